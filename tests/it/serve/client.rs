//! A plain HTTP/1.1 client for the server tests: requests, chunked bodies and
//! server-sent events, read straight off the socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A server process, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Server {
    pub fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_regimes"))
            .args(["serve", "--port", "0"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the address line");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server { child, addr }
    }

    pub fn connect(&self, method: &str, path: &str, body: &str) -> BufReader<TcpStream> {
        let mut stream = TcpStream::connect(&self.addr).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        BufReader::new(stream)
    }

    pub fn request(&self, method: &str, path: &str, body: &str) -> Reply {
        let mut reader = self.connect(method, path, body);
        let (status, headers) = head(&mut reader);
        let mut bytes = Vec::new();
        if headers.contains("transfer-encoding: chunked") {
            let mut body = Chunked::new(reader);
            body.read_to_end(&mut bytes).unwrap();
        } else {
            reader.read_to_end(&mut bytes).unwrap();
        }
        Reply {
            status,
            headers,
            bytes,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, "")
    }

    pub fn post(&self, path: &str, body: &Value) -> Reply {
        self.request("POST", path, &body.to_string())
    }

    /// Opens a run's event stream.
    pub fn events(&self, id: u64) -> Events {
        let mut reader = self.connect("GET", &format!("/api/runs/{id}/events"), "");
        let (status, headers) = head(&mut reader);
        assert_eq!(status, 200, "{headers}");
        assert!(headers.contains("text/event-stream"), "{headers}");
        Events {
            lines: BufReader::new(Chunked::new(reader)),
        }
    }

    /// Creates a run and returns its id.
    pub fn create(&self, body: &Value) -> u64 {
        let r = self.post("/api/runs", body);
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()["id"].as_u64().expect("an id")
    }

    pub fn phase(&self, id: u64) -> String {
        let status = self.get(&format!("/api/runs/{id}")).json();
        status["phase"].as_str().unwrap_or("gone").to_string()
    }

    /// Polls until the run reaches `phase` (bounded: the test fails after a minute).
    pub fn wait_for(&self, id: u64, phase: &str) {
        let start = Instant::now();
        while self.phase(id) != phase {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "run {id} never became {phase}: {}",
                self.phase(id)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).to_string()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// The reason of a refusal.
    pub fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// The status code and the lower-cased header lines.
pub fn head(reader: &mut BufReader<TcpStream>) -> (u16, String) {
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let code = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {status:?}"));
    let mut headers = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        headers.push_str(&line.to_lowercase());
    }
    (code, headers)
}

/// A chunked HTTP body, read as plain bytes.
pub struct Chunked {
    pub inner: BufReader<TcpStream>,
    pub left: usize,
    pub done: bool,
}

impl Chunked {
    pub fn new(inner: BufReader<TcpStream>) -> Chunked {
        Chunked {
            inner,
            left: 0,
            done: false,
        }
    }
}

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        if self.left == 0 {
            let mut line = String::new();
            if self.inner.read_line(&mut line)? == 0 {
                self.done = true;
                return Ok(0);
            }
            if line.trim().is_empty() {
                line.clear();
                self.inner.read_line(&mut line)?;
            }
            self.left = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            if self.left == 0 {
                self.done = true;
                return Ok(0);
            }
        }
        let wanted = buf.len().min(self.left);
        let n = self.inner.read(&mut buf[..wanted])?;
        self.left -= n;
        Ok(n)
    }
}

/// Server-sent events, one `(name, data)` at a time.
pub struct Events {
    pub lines: BufReader<Chunked>,
}

impl Events {
    pub fn next(&mut self) -> Option<(String, Value)> {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            if self.lines.read_line(&mut line).ok()? == 0 {
                return None;
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !data.is_empty() {
                    let mut value: Value = serde_json::from_str(&data).expect("JSON data");
                    if let Some(exact) = exact_values(&data) {
                        value["exact"] = json!(exact);
                    }
                    return Some((name, value));
                }
                continue;
            }
            if let Some(n) = line.strip_prefix("event:") {
                name = n.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data:") {
                data.push_str(d.trim());
            }
        }
    }

    /// Every event until the stream ends.
    pub fn all(mut self) -> Vec<(String, Value)> {
        std::iter::from_fn(|| self.next()).collect()
    }
}

/// The text of each number of a row's `values`: serde_json's own parser may miss
/// the last bit of a float, and this test compares bits (Rust's `parse` does not miss).
pub fn exact_values(data: &str) -> Option<Vec<String>> {
    let list = data.split("\"values\":[").nth(1)?.split(']').next()?;
    Some(list.split(',').map(|v| v.trim().to_string()).collect())
}
