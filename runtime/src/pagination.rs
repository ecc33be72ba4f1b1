//! Cursor pagination: a list call's builder walked page by page as a `Stream` of items.

use super::{BoxFuture, Result, Stream};
use std::pin::Pin;
use std::task::{Context, Poll};

/// A page of a cursor-paginated list.
pub trait Page {
    /// One item of the list.
    type Item;

    /// The items, and the cursor of the next page when there is one.
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

/// A list call's request builder that can fetch any page.
pub trait Paginated: Clone + Send + Unpin + 'static {
    /// What one call returns.
    type Page: Page + Send;

    /// Makes the next fetch start after `cursor`.
    fn set_cursor(&mut self, cursor: String);

    /// Fetches one page.
    fn fetch(self) -> BoxFuture<Result<Self::Page>>;
}

type Item<B> = <<B as Paginated>::Page as Page>::Item;

enum State<B: Paginated> {
    /// Fetch a page with this builder, which starts after this cursor (if any).
    Start(B, Option<String>),
    /// A page is on its way; the builder is kept to ask for the next one.
    Fetching(BoxFuture<Result<B::Page>>, B, Option<String>),
    /// Hand out the items of the current page, then go on with the next builder, if any.
    Items(std::vec::IntoIter<Item<B>>, Option<(B, String)>),
    Done,
}

/// The stream of every item of a paginated list.
struct Items<B: Paginated> {
    state: State<B>,
}

/// Walks every page: fetches one, yields its items, and follows the cursor while the API
/// says there are more. Only one page is held at a time. A page whose cursor repeats the one
/// it was fetched with ends the walk (a server bug would otherwise loop for ever); an error
/// is yielded once and ends the walk.
pub fn paginate<B: Paginated>(
    builder: B,
) -> impl Stream<Item = Result<Item<B>>> + Send + Unpin + 'static
where
    Item<B>: Send + Unpin + 'static,
{
    Items {
        state: State::Start(builder, None),
    }
}

impl<B: Paginated> Stream for Items<B>
where
    Item<B>: Unpin,
{
    type Item = Result<Item<B>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Start(builder, previous) => {
                    let next = builder.clone();
                    this.state = State::Fetching(builder.fetch(), next, previous);
                }
                State::Fetching(mut future, next, previous) => match future.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Fetching(future, next, previous);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(page)) => {
                        let (items, cursor) = page.into_parts();
                        let next = cursor
                            .filter(|c| !c.is_empty() && Some(c) != previous.as_ref())
                            .map(|c| {
                                let mut next = next;
                                next.set_cursor(c.clone());
                                (next, c)
                            });
                        this.state = State::Items(items.into_iter(), next);
                    }
                },
                State::Items(mut items, next) => match items.next() {
                    Some(item) => {
                        this.state = State::Items(items, next);
                        return Poll::Ready(Some(Ok(item)));
                    }
                    None => match next {
                        Some((builder, cursor)) => this.state = State::Start(builder, Some(cursor)),
                        None => return Poll::Ready(None),
                    },
                },
                State::Done => return Poll::Ready(None),
            }
        }
    }
}
