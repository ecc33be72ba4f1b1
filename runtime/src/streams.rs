//! Responses read item by item as they arrive: OpenAPI 3.2's sequential media types with an
//! `itemSchema`. Server-sent events (`text/event-stream`), JSON Lines
//! (`application/jsonl`, `application/x-ndjson`) and JSON text sequences
//! (`application/json-seq`) are split into items here, then each is decoded into the
//! operation's item type.
//!
//! The splitting is a small parser of our own rather than a crate (`eventsource-stream`
//! would bring `nom` for the one format, none for the other two, and drops an event the
//! stream ends inside of without a word): this one also tells a stream that ends in the
//! middle of an item, which is an error, from one that ends between items.

use super::error::excerpt;
use super::transport::ByteStream;
use super::{Error, Result};
use reqwest::StatusCode;
use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// How a response body splits into items, and what an item is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`, each event an item: an object of the event's fields (`data`,
    /// and `event`, `id`, `retry` where the event has them), `data` decoded from JSON when
    /// `data_json`, else kept as text.
    Events {
        /// Whether the `data` field is JSON text to decode (else it is the text itself).
        data_json: bool,
    },
    /// `text/event-stream`, each event's `data` (JSON) an item; the other fields are left.
    EventData,
    /// JSON Lines / NDJSON: one JSON text per line; blank lines are skipped.
    JsonLines,
    /// JSON text sequences (RFC 7464): each JSON text follows an RS byte (0x1E).
    JsonSeq,
}

/// The data that, in place of JSON, marks the end of an event stream (a convention of
/// many streaming APIs): the stream ends there.
const DONE: &str = "[DONE]";

/// A response body as a stream of decoded items, as they arrive. Each item is a value, or
/// the error of that one item (a decode error: the stream goes on with the next) or of the
/// stream (a connection error, or a body that ends in the middle of an item: the stream
/// ends after it).
pub struct ItemStream<T> {
    bytes: ByteStream,
    splitter: Splitter,
    context: Arc<Origin>,
    ready: VecDeque<Result<T>>,
    done: bool,
    item: PhantomData<fn() -> T>,
}

/// What an item's error says about the response it came from.
struct Origin {
    operation: &'static str,
    status: StatusCode,
    request_id: Option<String>,
    /// How many attempts the call took before the stream started.
    attempts: u32,
    secret: crate::auth::Secrets,
}

// Nothing is pinned: items are moved out of the queue, never polled.
impl<T> Unpin for ItemStream<T> {}

impl<T> std::fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("framing", &self.splitter.framing)
            .finish_non_exhaustive()
    }
}

impl<T: serde::de::DeserializeOwned> ItemStream<T> {
    pub(crate) fn new(
        bytes: ByteStream,
        framing: Framing,
        operation: &'static str,
        status: StatusCode,
        request_id: Option<String>,
        attempts: u32,
        secret: crate::auth::Secrets,
    ) -> Self {
        ItemStream {
            bytes,
            splitter: Splitter::new(framing),
            context: Arc::new(Origin {
                operation,
                status,
                request_id,
                attempts,
                secret,
            }),
            ready: VecDeque::new(),
            done: false,
            item: PhantomData,
        }
    }

    fn decode_all(&mut self, raw: Vec<Raw>) {
        for raw in raw {
            if self.done {
                break;
            }
            match raw {
                Raw::Json(text) => {
                    let item = serde_json::from_slice(&text).map_err(|e| self.error(&text, e));
                    self.ready.push_back(item);
                }
                Raw::Event(event) => match self.splitter.framing {
                    Framing::EventData | Framing::Events { data_json: true }
                        if event.data == DONE =>
                    {
                        self.done = true;
                    }
                    Framing::EventData => {
                        let item = serde_json::from_str(&event.data)
                            .map_err(|e| self.error(event.data.as_bytes(), e));
                        self.ready.push_back(item);
                    }
                    Framing::Events { data_json } => {
                        let item = event
                            .into_value(data_json)
                            .and_then(serde_json::from_value)
                            .map_err(|e| self.error(&[], e));
                        self.ready.push_back(item);
                    }
                    Framing::JsonLines | Framing::JsonSeq => {}
                },
                Raw::CutShort(rest) => {
                    let e = serde::de::Error::custom(
                        "the response ended in the middle of an item: the stream was cut short",
                    );
                    self.ready.push_back(Err(self.error(&rest, e)));
                    self.done = true;
                }
            }
        }
    }

    fn error(&self, text: &[u8], source: serde_json::Error) -> Error {
        let c = &self.context;
        Error::Decode {
            operation: c.operation,
            status: c.status,
            request_id: c.request_id.clone(),
            excerpt: excerpt(text, &c.secret),
            attempts: c.attempts,
            source,
        }
    }
}

impl<T: serde::de::DeserializeOwned> futures_core::Stream for ItemStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Poll::Ready(Some(item));
            }
            if self.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut self.bytes).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    let raw = self.splitter.push(&chunk);
                    self.decode_all(raw);
                }
                Poll::Ready(Some(Err(e))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    let raw = self.splitter.finish();
                    self.decode_all(raw);
                    self.done = true;
                }
            }
        }
    }
}

/// A body of `items` written as `framing` says (what a mock server answers with).
pub fn encode_items<T: serde::Serialize>(framing: Framing, items: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        let Ok(value) = serde_json::to_value(item) else {
            continue;
        };
        match framing {
            Framing::JsonLines => {
                out.extend(value.to_string().into_bytes());
                out.push(b'\n');
            }
            Framing::JsonSeq => {
                out.push(0x1E);
                out.extend(value.to_string().into_bytes());
                out.push(b'\n');
            }
            Framing::EventData => write_event(&mut out, &[], &value.to_string()),
            Framing::Events { .. } => {
                let field = |name: &str| match value.get(name) {
                    None | Some(serde_json::Value::Null) => None,
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(other) => Some(other.to_string()),
                };
                let fields: Vec<(&str, String)> = ["event", "id", "retry"]
                    .into_iter()
                    .filter_map(|name| field(name).map(|v| (name, v)))
                    .collect();
                write_event(&mut out, &fields, &field("data").unwrap_or_default());
            }
        }
    }
    out
}

/// One server-sent event: its fields, its data (a line each), a blank line.
fn write_event(out: &mut Vec<u8>, fields: &[(&str, String)], data: &str) {
    for (name, value) in fields {
        out.extend(format!("{name}: {value}\n").into_bytes());
    }
    for line in data.split('\n') {
        out.extend(format!("data: {line}\n").into_bytes());
    }
    out.push(b'\n');
}

/// An item before it is decoded.
#[derive(Debug, PartialEq)]
enum Raw {
    /// One JSON text (a line, or a text of a sequence).
    Json(Vec<u8>),
    /// One server-sent event.
    Event(Event),
    /// The body ended in the middle of an item: what was received of it.
    CutShort(Vec<u8>),
}

/// A server-sent event: its data lines joined with `\n`, and its other fields when it has
/// them.
#[derive(Debug, Default, PartialEq)]
struct Event {
    event: Option<String>,
    data: String,
    id: Option<String>,
    retry: Option<u64>,
}

impl Event {
    /// The event as a JSON object of its fields.
    fn into_value(self, data_json: bool) -> serde_json::Result<serde_json::Value> {
        let mut map = serde_json::Map::new();
        let data = if data_json {
            serde_json::from_str(&self.data)?
        } else {
            serde_json::Value::String(self.data)
        };
        map.insert("data".into(), data);
        if let Some(event) = self.event {
            map.insert("event".into(), event.into());
        }
        if let Some(id) = self.id {
            map.insert("id".into(), id.into());
        }
        if let Some(retry) = self.retry {
            map.insert("retry".into(), retry.into());
        }
        Ok(serde_json::Value::Object(map))
    }
}

/// Splits bytes, as they arrive in chunks of any size, into items.
struct Splitter {
    framing: Framing,
    /// Bytes of an item (or, for events, a line) not complete yet.
    buf: Vec<u8>,
    /// The previous chunk ended with CR: an LF at the start of the next ends no new line.
    after_cr: bool,
    /// Whether the start of the body (and a byte-order mark there) is behind.
    started: bool,
    /// The event being read.
    event: Event,
    /// Whether a field of the event being read has arrived (it must be ended by a blank line).
    in_event: bool,
}

impl Splitter {
    fn new(framing: Framing) -> Self {
        Splitter {
            framing,
            buf: Vec::new(),
            after_cr: false,
            started: false,
            event: Event::default(),
            in_event: false,
        }
    }

    fn push(&mut self, mut chunk: &[u8]) -> Vec<Raw> {
        if !self.started && !chunk.is_empty() {
            // A UTF-8 byte-order mark may open a body; it may arrive a byte at a time.
            let bom = b"\xEF\xBB\xBF";
            let have = self.buf.len() + chunk.len();
            let mut joined = std::mem::take(&mut self.buf);
            joined.extend_from_slice(chunk);
            if have < bom.len() && bom.starts_with(&joined) {
                self.buf = joined;
                return Vec::new();
            }
            self.started = true;
            let start = if joined.starts_with(bom) {
                bom.len()
            } else {
                0
            };
            return self.split(&joined[start..]);
        }
        if chunk.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.after_cr && matches!(self.framing, Framing::Events { .. } | Framing::EventData) {
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
            self.after_cr = false;
        }
        out.extend(self.split(chunk));
        out
    }

    fn split(&mut self, chunk: &[u8]) -> Vec<Raw> {
        let mut out = Vec::new();
        match self.framing {
            Framing::JsonLines => {
                self.buf.extend_from_slice(chunk);
                let mut start = 0;
                while let Some(end) = self.buf[start..].iter().position(|b| *b == b'\n') {
                    let line = &self.buf[start..start + end];
                    if !line.trim_ascii().is_empty() {
                        out.push(Raw::Json(line.trim_ascii().to_vec()));
                    }
                    start += end + 1;
                }
                self.buf.drain(..start);
            }
            Framing::JsonSeq => {
                self.buf.extend_from_slice(chunk);
                // Every text but the last received is complete once the next RS arrives.
                let mut start = 0;
                while let Some(end) = self.buf[start..].iter().position(|b| *b == 0x1E) {
                    let text = self.buf[start..start + end].trim_ascii();
                    if !text.is_empty() {
                        out.push(Raw::Json(text.to_vec()));
                    }
                    start += end + 1;
                }
                self.buf.drain(..start);
            }
            Framing::Events { .. } | Framing::EventData => {
                let mut rest = chunk;
                while let Some(end) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
                    let cr = rest[end] == b'\r';
                    self.buf.extend_from_slice(&rest[..end]);
                    let line = std::mem::take(&mut self.buf);
                    if let Some(event) = self.line(&line) {
                        out.push(Raw::Event(event));
                    }
                    rest = &rest[end + 1..];
                    if cr {
                        match rest.first() {
                            Some(b'\n') => rest = &rest[1..],
                            Some(_) => {}
                            None => self.after_cr = true,
                        }
                    }
                }
                self.buf.extend_from_slice(rest);
            }
        }
        out
    }

    /// One line of an event stream; a blank line ends the event, which is returned when it
    /// has data.
    fn line(&mut self, line: &[u8]) -> Option<Event> {
        if line.is_empty() {
            self.in_event = false;
            // Each data line adds a `\n`: no data at all is no event.
            let mut event = std::mem::take(&mut self.event);
            if event.data.is_empty() {
                return None;
            }
            if event.data.ends_with('\n') {
                event.data.pop();
            }
            return Some(event);
        }
        if line[0] == b':' {
            return None; // a comment
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (&*line, ""),
        };
        self.in_event = true;
        match field {
            "data" => {
                self.event.data.push_str(value);
                self.event.data.push('\n');
            }
            "event" => self.event.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => self.event.id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.event.retry = value.parse().ok();
            }
            _ => {}
        }
        None
    }

    /// The end of the body: the last item, or the error of an item cut short.
    fn finish(&mut self) -> Vec<Raw> {
        let rest = std::mem::take(&mut self.buf);
        match self.framing {
            Framing::JsonLines | Framing::JsonSeq => {
                let text = rest.trim_ascii();
                if text.is_empty() {
                    return Vec::new();
                }
                // The last line may lack its newline; a text that does not parse was cut.
                if serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok() {
                    vec![Raw::Json(text.to_vec())]
                } else {
                    vec![Raw::CutShort(text.to_vec())]
                }
            }
            Framing::Events { .. } | Framing::EventData => {
                if self.in_event || !rest.is_empty() {
                    let mut received = std::mem::take(&mut self.event).data.into_bytes();
                    received.extend_from_slice(&rest);
                    vec![Raw::CutShort(received)]
                } else {
                    Vec::new()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_whole(framing: Framing, body: &[u8]) -> Vec<Raw> {
        let mut s = Splitter::new(framing);
        let mut out = s.push(body);
        out.extend(s.finish());
        out
    }

    /// The same body in one chunk and a byte at a time gives the same items.
    fn split(framing: Framing, body: &[u8]) -> Vec<Raw> {
        let whole = split_whole(framing, body);
        let mut s = Splitter::new(framing);
        let mut bytewise = Vec::new();
        for b in body {
            bytewise.extend(s.push(std::slice::from_ref(b)));
        }
        bytewise.extend(s.finish());
        assert_eq!(whole, bytewise, "{:?}", String::from_utf8_lossy(body));
        whole
    }

    fn event(data: &str) -> Event {
        Event {
            data: data.into(),
            ..Event::default()
        }
    }

    const EVENTS: Framing = Framing::Events { data_json: false };

    #[test]
    fn events_join_data_lines_and_keep_their_fields() {
        let body = b"\xEF\xBB\xBF: a comment\nevent: update\nid: 7\nretry: 1500\ndata: {\"a\":\ndata:  1}\n\n\
                     data\n\ndata: x\nunknown: y\n\n";
        assert_eq!(
            split(EVENTS, body),
            vec![
                Raw::Event(Event {
                    event: Some("update".into()),
                    data: "{\"a\":\n 1}".into(),
                    id: Some("7".into()),
                    retry: Some(1500),
                }),
                Raw::Event(event("")),
                Raw::Event(event("x")),
            ]
        );
    }

    #[test]
    fn events_end_lines_with_crlf_cr_or_lf() {
        for body in [
            &b"data: a\r\n\r\ndata: b\r\n\r\n"[..],
            b"data: a\r\rdata: b\r\r",
            b"data: a\n\ndata: b\n\n",
            b"data: a\r\n\ndata: b\n\r\n",
        ] {
            assert_eq!(
                split(EVENTS, body),
                vec![Raw::Event(event("a")), Raw::Event(event("b"))],
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn a_crlf_split_between_chunks_ends_one_line() {
        assert_eq!(
            split(EVENTS, b"data: a\r\ndata: b\r\n\r\n"),
            vec![Raw::Event(event("a\nb"))]
        );
    }

    #[test]
    fn events_without_data_are_not_items() {
        assert_eq!(
            split(EVENTS, b"event: ping\n\n: keep-alive\n\nretry: x\n\n"),
            vec![]
        );
    }

    #[test]
    fn an_event_cut_short_is_an_error() {
        assert_eq!(
            split(EVENTS, b"data: a\n\ndata: b"),
            vec![Raw::Event(event("a")), Raw::CutShort(b"data: b".to_vec())]
        );
        assert_eq!(
            split(EVENTS, b"data: a\n\ndata: b\n"),
            vec![Raw::Event(event("a")), Raw::CutShort(b"b\n".to_vec())]
        );
        assert_eq!(split(EVENTS, b"data: a\n\n"), vec![Raw::Event(event("a"))]);
    }

    #[test]
    fn json_lines_skip_blank_lines_and_take_a_last_line_without_newline() {
        assert_eq!(
            split(Framing::JsonLines, b"{\"a\":1}\r\n\n  \n[2]\n\"three\""),
            vec![
                Raw::Json(b"{\"a\":1}".to_vec()),
                Raw::Json(b"[2]".to_vec()),
                Raw::Json(b"\"three\"".to_vec()),
            ]
        );
        assert_eq!(
            split(Framing::JsonLines, b"{\"a\":1}\n{\"a\":"),
            vec![
                Raw::Json(b"{\"a\":1}".to_vec()),
                Raw::CutShort(b"{\"a\":".to_vec()),
            ]
        );
    }

    #[test]
    fn json_sequences_split_at_record_separators() {
        assert_eq!(
            split(Framing::JsonSeq, b"\x1E{\"a\":1}\n\x1E\n\x1E[2]\n"),
            vec![Raw::Json(b"{\"a\":1}".to_vec()), Raw::Json(b"[2]".to_vec())]
        );
        assert_eq!(
            split(Framing::JsonSeq, b"\x1E{\"a\":1}\n\x1E{\"a\""),
            vec![
                Raw::Json(b"{\"a\":1}".to_vec()),
                Raw::CutShort(b"{\"a\"".to_vec()),
            ]
        );
    }

    fn stream<T: serde::de::DeserializeOwned>(
        framing: Framing,
        chunks: &[&'static [u8]],
    ) -> ItemStream<T> {
        let chunks: Vec<Result<bytes::Bytes>> = chunks
            .iter()
            .map(|c| Ok(bytes::Bytes::from_static(c)))
            .collect();
        ItemStream::new(
            ByteStream::new(Box::pin(futures_util::stream::iter(chunks))),
            framing,
            "streamThings",
            StatusCode::OK,
            Some("req_1".into()),
            1,
            crate::auth::Secrets::new(vec!["sk-secret".into()]),
        )
    }

    async fn collect<T: serde::de::DeserializeOwned>(s: ItemStream<T>) -> Vec<Result<T>> {
        use futures_util::StreamExt;
        s.collect().await
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Item {
        n: i64,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Sse {
        data: Item,
        event: Option<String>,
        id: Option<String>,
    }

    #[tokio::test]
    async fn a_bad_item_is_an_error_and_the_stream_goes_on() {
        let items = collect::<Item>(stream(
            Framing::JsonLines,
            &[b"{\"n\":1}\n{\"n\":\"sk-secret\"}\n{\"n\"", b":3}\n"],
        ))
        .await;
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap(), &Item { n: 1 });
        match &items[1] {
            Err(Error::Decode {
                operation,
                excerpt,
                request_id,
                ..
            }) => {
                assert_eq!(*operation, "streamThings");
                assert_eq!(request_id.as_deref(), Some("req_1"));
                assert!(!excerpt.contains("sk-secret"), "{excerpt}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(items[2].as_ref().unwrap(), &Item { n: 3 });
    }

    #[tokio::test]
    async fn events_decode_into_their_item_type() {
        let body: &[u8] = b"event: tick\nid: 1\ndata: {\"n\": 1}\n\ndata: {\"n\": 2}\n\ndata: [DONE]\n\ndata: {\"n\": 3}\n\n";
        let items = collect::<Sse>(stream(Framing::Events { data_json: true }, &[body])).await;
        let items: Vec<Sse> = items.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            items,
            vec![
                Sse {
                    data: Item { n: 1 },
                    event: Some("tick".into()),
                    id: Some("1".into()),
                },
                Sse {
                    data: Item { n: 2 },
                    event: None,
                    id: None,
                },
            ],
            "`[DONE]` ends the stream"
        );
        let data = collect::<Item>(stream(Framing::EventData, &[body])).await;
        let data: Vec<Item> = data.into_iter().map(Result::unwrap).collect();
        assert_eq!(data, vec![Item { n: 1 }, Item { n: 2 }]);
    }

    #[tokio::test]
    async fn encoded_items_decode_back() {
        let items = vec![
            serde_json::json!({"data": "two\nlines", "event": "e", "id": "1", "retry": 5}),
            serde_json::json!({"data": "plain"}),
        ];
        let body = encode_items(EVENTS, &items);
        let body: &'static [u8] = Box::leak(body.into_boxed_slice());
        let back: Vec<serde_json::Value> = collect(stream(EVENTS, &[body]))
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(back, items);
        let values = vec![serde_json::json!({"n": 1}), serde_json::json!([2])];
        for framing in [Framing::JsonLines, Framing::JsonSeq, Framing::EventData] {
            let body: &'static [u8] = Box::leak(encode_items(framing, &values).into_boxed_slice());
            let back: Vec<serde_json::Value> = collect(stream(framing, &[body]))
                .await
                .into_iter()
                .map(Result::unwrap)
                .collect();
            assert_eq!(back, values, "{framing:?}");
        }
    }

    #[tokio::test]
    async fn a_stream_cut_short_ends_with_an_error() {
        let items = collect::<Item>(stream(
            Framing::EventData,
            &[b"data: {\"n\": 1}\n\ndata: {\"n\""],
        ))
        .await;
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap(), &Item { n: 1 });
        let e = items[1].as_ref().unwrap_err();
        assert!(e.to_string().contains("cut short"), "{e}");
    }
}
