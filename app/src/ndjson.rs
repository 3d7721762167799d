//! Reading a streaming server function's NDJSON in the browser: bytes as they come, cut into
//! whole lines (a chunk may end mid-line, or mid-character). The run panel and the
//! activations page's live mode read their streams with it; the server writes them with
//! [`line`].

use futures::StreamExt;
use leptos::server_fn::codec::ByteStream;

use crate::errors::AppError;

/// `value` as one NDJSON line (the server's side of both streams). Plain data always
/// serialises; should it not, the line says so (as an error the browser shows) instead of
/// vanishing.
#[cfg(feature = "ssr")]
pub fn line(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string(value).unwrap_or_else(|e| {
        let error = AppError::Misconfigured(format!("a line of the stream did not serialise: {e}"));
        serde_json::json!({ "error": error }).to_string()
    });
    text.push('\n');
    text
}

/// Cuts bytes into complete lines, keeping an unfinished one for the next chunk.
#[derive(Debug, Default)]
pub struct Lines {
    pending: Vec<u8>,
}

impl Lines {
    /// The complete lines `chunk` finishes, in order, without their newline.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(chunk);
        let Some(last) = self.pending.iter().rposition(|&b| b == b'\n') else {
            return Vec::new();
        };
        let rest = self.pending.split_off(last + 1);
        let done = std::mem::replace(&mut self.pending, rest);
        done.split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| String::from_utf8_lossy(line).into_owned())
            .collect()
    }
}

/// Calls `each` with every whole line of `stream` as it arrives; answers the stream's error
/// if it breaks, `Ok` once it closes.
pub async fn for_each_line(
    stream: ByteStream<AppError>,
    mut each: impl FnMut(&str),
) -> Result<(), AppError> {
    let mut stream = stream.into_inner();
    let mut lines = Lines::default();
    while let Some(chunk) = stream.next().await {
        for line in lines.push(&chunk?) {
            each(&line);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_whole_however_the_chunks_fall() {
        let mut lines = Lines::default();
        assert!(lines.push(b"{\"a\":").is_empty());
        assert_eq!(lines.push(b"1}\n{\"b\""), ["{\"a\":1}"]);
        assert_eq!(
            lines.push(b":2}\n\n{\"c\":3}\n"),
            ["{\"b\":2}", "{\"c\":3}"]
        );
        // A character cut in two by a chunk boundary arrives whole.
        let text = "{\"t\":\"가\"}\n".as_bytes();
        assert!(lines.push(&text[..7]).is_empty());
        assert_eq!(lines.push(&text[7..]), ["{\"t\":\"가\"}"]);
    }
}
