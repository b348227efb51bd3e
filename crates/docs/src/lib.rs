//! lianzheng-docs: official documents (GB/T 9704-2012 DOCX) and XLSX tables.
