//! A minimal HTTP/1.1 keep-alive client over a tokio `TcpStream`: one connection, one request
//! at a time, requests pre-encoded as bytes, one reused read buffer. Just enough for the
//! bench (Content-Length and chunked bodies), so that the load generator costs the shared CPU
//! as little as possible.

use std::net::SocketAddr;

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    body: Vec<u8>,
}

/// A response: status and body (the body borrows the connection's buffer).
pub struct Response<'a> {
    pub status: u16,
    pub body: &'a [u8],
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn { stream, buf: Vec::with_capacity(64 * 1024), body: Vec::new() })
    }

    /// Sends one request (complete bytes) and reads the whole response.
    pub async fn send(&mut self, request: &[u8]) -> anyhow::Result<Response<'_>> {
        self.stream.write_all(request).await.context("发送请求失败")?;
        self.buf.clear();
        // headers
        let header_end = loop {
            if let Some(p) = find(&self.buf, b"\r\n\r\n") {
                break p + 4;
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buf[..header_end]).context("响应头不是 UTF-8")?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status: u16 = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).with_context(|| format!("无法解析状态行：{status_line}"))?;
        let mut content_length = None;
        let mut chunked = false;
        for line in lines {
            let Some((k, v)) = line.split_once(':') else { continue };
            let v = v.trim();
            if k.eq_ignore_ascii_case("content-length") {
                content_length = Some(v.parse::<usize>().context("Content-Length 无效")?);
            } else if k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            }
        }
        if chunked {
            self.read_chunked(header_end).await?;
            return Ok(Response { status, body: &self.body });
        }
        let len = match content_length {
            Some(l) => l,
            None if status == 204 || status == 304 || (100..200).contains(&status) => 0,
            None => bail!("响应既无 Content-Length 也非分块传输（状态 {status}）"),
        };
        while self.buf.len() < header_end + len {
            self.fill().await?;
        }
        Ok(Response { status, body: &self.buf[header_end..header_end + len] })
    }

    async fn fill(&mut self) -> anyhow::Result<()> {
        if self.buf.capacity() - self.buf.len() < 16 * 1024 {
            self.buf.reserve(64 * 1024);
        }
        let n = self.stream.read_buf(&mut self.buf).await.context("读取响应失败")?;
        if n == 0 {
            bail!("服务器关闭了连接");
        }
        Ok(())
    }

    async fn read_chunked(&mut self, mut pos: usize) -> anyhow::Result<()> {
        self.body.clear();
        loop {
            let line_end = loop {
                if let Some(p) = find(&self.buf[pos..], b"\r\n") {
                    break pos + p;
                }
                self.fill().await?;
            };
            let size_text = std::str::from_utf8(&self.buf[pos..line_end]).context("分块长度无效")?;
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or_default().trim(), 16).context("分块长度无效")?;
            pos = line_end + 2;
            if size == 0 {
                // optional trailers, then the final CRLF
                loop {
                    if let Some(p) = find(&self.buf[pos..], b"\r\n") {
                        if p == 0 {
                            return Ok(());
                        }
                        pos += p + 2;
                    } else {
                        self.fill().await?;
                    }
                }
            }
            while self.buf.len() < pos + size + 2 {
                self.fill().await?;
            }
            self.body.extend_from_slice(&self.buf[pos..pos + size]);
            pos += size + 2;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn get_request(host: &str, path: &str, bearer: Option<&str>) -> Vec<u8> {
    let auth = bearer.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n{auth}\r\n").into_bytes()
}

/// A request with a JSON body, signed in by `bearer` when given.
pub fn json_request(method: &str, host: &str, path: &str, json: &str, bearer: Option<&str>) -> Vec<u8> {
    let auth = bearer.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n{json}", json.len()).into_bytes()
}

pub fn post_json_request(host: &str, path: &str, json: &str) -> Vec<u8> {
    format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}", json.len()).into_bytes()
}
