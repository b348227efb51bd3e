-- 成文日期: the day a document was issued (印发), stored with it, so a generated DOCX carries
-- that day and not the day it is downloaded. Plans: set when first issued; letters: the day
-- they were generated. Existing rows take the day they were created.
ALTER TABLE task_plans ADD COLUMN issued_on TEXT;
ALTER TABLE letters ADD COLUMN issued_on TEXT;
