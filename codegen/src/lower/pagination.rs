//! Cursor pagination: a GET with an optional `after` cursor whose response holds `data: [T]`,
//! `has_more` and `last_id` is walked page by page.

use super::schemas::non_null;
use crate::ir::{
    HttpMethod, Operation, Page, Pagination, ParamLocation, ResponseKind, Struct, TypeDef,
    TypeKind, TypeRef,
};

/// Marks the paginated operations and returns their page types, each once, in the order
/// first used.
pub(super) fn paginate(types: &[TypeDef], operations: &mut [Operation]) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    for op in operations {
        let Some((cursor_param, found)) = pagination(types, op) else {
            continue;
        };
        let page = match pages.iter().position(|p| p.ty == found.ty) {
            Some(i) => i,
            None => {
                pages.push(found);
                pages.len() - 1
            }
        };
        op.pagination = Some(Pagination { cursor_param, page });
    }
    pages
}

fn pagination(types: &[TypeDef], op: &Operation) -> Option<(String, Page)> {
    if op.method != HttpMethod::Get {
        return None;
    }
    let cursor = op.params.iter().find(|p| {
        p.location == ParamLocation::Query
            && p.wire_name == "after"
            && !p.required
            && p.ty == TypeRef::String
    })?;
    let ResponseKind::Json(TypeRef::Named(page)) = &op.response.kind else {
        return None;
    };
    let TypeKind::Struct(Struct { fields, .. }) = &types.get(page.0)?.kind else {
        return None;
    };
    let field = |wire: &str| fields.iter().find(|f| f.wire_name == wire);
    let data = field("data").filter(|f| f.required)?;
    let TypeRef::Vec(item) = &data.ty else {
        return None;
    };
    let has_more = field("has_more").filter(|f| non_null(&f.ty) == &TypeRef::Bool)?;
    let last_id = field("last_id").filter(|f| non_null(&f.ty) == &TypeRef::String)?;
    Some((
        cursor.name.clone(),
        Page {
            ty: *page,
            item_type: (**item).clone(),
            items_field: data.name.clone(),
            has_more_field: has_more.name.clone(),
            has_more_optional: has_more.optional,
            next_cursor_field: last_id.name.clone(),
            next_cursor_optional: last_id.optional,
        },
    ))
}
