//! Media types: which of a content map's entries the client reads or sends.

use crate::ir::BodyKind;
use indexmap::IndexMap;
use openapiv3::MediaType;

/// A media type without parameters, lowercase: `Application/JSON; charset=utf-8` →
/// `application/json`.
pub(super) fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The JSON media type of a content map (`application/json`, `…+json`, or `*/*` with a
/// schema), if any.
pub(super) fn json_media(content: &IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    content
        .iter()
        .find(|(media, _)| {
            let essence = essence(media);
            essence == "application/json" || essence.ends_with("+json")
        })
        .or_else(|| {
            content
                .iter()
                .find(|(media, m)| essence(media) == "*/*" && m.schema.is_some())
        })
}

/// The media type a request body is sent as: JSON first, then multipart, then form, then
/// the first listed, as raw bytes.
pub(super) fn pick_body_media(
    content: &IndexMap<String, MediaType>,
) -> Option<(&String, &MediaType, BodyKind)> {
    if let Some((media, m)) = json_media(content) {
        let sent = match essence(media).as_str() {
            "*/*" => "application/json".to_owned(),
            other => other.to_owned(),
        };
        return Some((media, m, BodyKind::Json(sent)));
    }
    for (want, kind) in [
        ("multipart/form-data", BodyKind::Multipart(Vec::new())),
        ("application/x-www-form-urlencoded", BodyKind::Form),
    ] {
        if let Some((media, m)) = content.iter().find(|(media, _)| essence(media) == want) {
            return Some((media, m, kind));
        }
    }
    content
        .iter()
        .next()
        .map(|(media, m)| (media, m, BodyKind::Raw(essence(media))))
}
