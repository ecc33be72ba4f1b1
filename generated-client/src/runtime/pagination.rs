//! Cursor pagination: a list call's builder walked page by page as a `Stream` of items.

use super::{BoxFuture, Result, Stream};

/// A page of a cursor-paginated list.
pub(crate) trait Page {
    /// One item of the list.
    type Item;

    /// The items, and the cursor of the next page when there is one.
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

/// A list call's request builder that can fetch any page.
pub(crate) trait Paginated: Clone + Send + 'static {
    /// What one call returns.
    type Page: Page + Send;

    /// Makes the next fetch start after `cursor`.
    fn set_cursor(&mut self, cursor: String);

    /// Fetches one page.
    fn fetch(self) -> BoxFuture<Result<Self::Page>>;
}

enum State<B, I> {
    /// Fetch a page with this builder; the cursor it starts after, if any.
    Fetch(B, Option<String>),
    /// Hand out the items of the current page, then fetch with the builder, if any.
    Items(std::vec::IntoIter<I>, Option<(B, String)>),
    Done,
}

/// Walks every page: fetches one, yields its items, and follows the cursor while the API
/// says there are more. Only one page is held at a time. A page whose cursor repeats the one
/// it was fetched with ends the walk (a server bug would otherwise loop for ever); an error
/// is yielded once and ends the walk.
pub(crate) fn paginate<B>(
    builder: B,
) -> impl Stream<Item = Result<<B::Page as Page>::Item>> + Send + 'static
where
    B: Paginated,
    <B::Page as Page>::Item: Send + 'static,
{
    futures_util::stream::unfold(State::Fetch(builder, None), |mut state| async move {
        loop {
            state = match state {
                State::Items(mut items, next) => match items.next() {
                    Some(item) => return Some((Ok(item), State::Items(items, next))),
                    None => match next {
                        Some((builder, cursor)) => State::Fetch(builder, Some(cursor)),
                        None => State::Done,
                    },
                },
                State::Fetch(builder, previous) => {
                    let template = builder.clone();
                    match builder.fetch().await {
                        Ok(page) => {
                            let (items, cursor) = page.into_parts();
                            let next = cursor
                                .filter(|c| Some(c) != previous.as_ref() && !c.is_empty())
                                .map(|c| {
                                    let mut next = template;
                                    next.set_cursor(c.clone());
                                    (next, c)
                                });
                            State::Items(items.into_iter(), next)
                        }
                        Err(e) => return Some((Err(e), State::Done)),
                    }
                }
                State::Done => return None,
            };
        }
    })
}
