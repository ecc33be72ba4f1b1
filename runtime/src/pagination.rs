//! Cursor pagination: a list call's builder walked page by page, as a `Stream` of pages
//! (`into_pages()`) or of their items (`into_stream()`).

use super::{ApiResponse, BoxFuture, Result, Stream};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// One page of a cursor-paginated list, as a list call's `into_pages()` yields it: its
/// items, whether more follow, the cursor to go on from, and the request id of the
/// response that carried it.
///
/// To resume a walk later (after a restart, or to fetch what was added since), keep the
/// [`next_cursor`](Page::next_cursor) of the last page you handled and pass it to the list
/// call's `after`: `certs.list().after(cursor).into_pages()` starts right after it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page, in the order the API sent them.
    pub items: Vec<T>,
    /// Whether the API said that more items follow this page.
    pub has_more: bool,
    /// The cursor after this page's last item (its `last_id`): the list call's `after`
    /// for the items that follow, now or later. `None` when the API sent none (an empty
    /// page).
    pub next_cursor: Option<String>,
    /// The `x-request-id` of the response: quote it when you contact the API's support.
    pub request_id: Option<String>,
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A list call's response type: how it splits into a [`Page`]'s parts.
pub trait PageParts {
    /// One item of the list.
    type Item;

    /// The items, whether more follow (`has_more`), and the cursor after the last item
    /// (`last_id`), if any.
    fn into_parts(self) -> (Vec<Self::Item>, bool, Option<String>);
}

/// A list call's request builder that can fetch any page.
pub trait Paginated: Clone + Send + Unpin + 'static {
    /// What one call returns.
    type Page: PageParts + Send;

    /// Makes the next fetch start after `cursor`.
    fn set_cursor(&mut self, cursor: String);

    /// Fetches one page, with the response's metadata.
    fn fetch(self) -> BoxFuture<Result<ApiResponse<Self::Page>>>;
}

type Item<B> = <<B as Paginated>::Page as PageParts>::Item;

enum State<B: Paginated> {
    /// Fetch a page with this builder, which starts after this cursor (if any).
    Start(B, Option<String>),
    /// A page is on its way; the builder is kept to ask for the next one.
    Fetching(BoxFuture<Result<ApiResponse<B::Page>>>, B, Option<String>),
    Done,
}

/// The stream of every page of a paginated list.
struct Pages<B: Paginated> {
    state: State<B>,
}

/// Walks every page: fetches one, yields it, and follows its cursor while the API says
/// there are more. A page is fetched only when the one before it has been taken. A page
/// whose cursor is empty or repeats the one it was fetched with ends the walk (a server bug
/// would otherwise loop for ever); an error is yielded once and ends the walk.
pub fn paginate_pages<B: Paginated>(
    builder: B,
) -> impl Stream<Item = Result<Page<Item<B>>>> + Send + Unpin + 'static
where
    Item<B>: Send + 'static,
{
    Pages {
        state: State::Start(builder, None),
    }
}

impl<B: Paginated> Stream for Pages<B> {
    type Item = Result<Page<Item<B>>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Start(builder, previous) => {
                    let next = builder.clone();
                    this.state = State::Fetching(builder.fetch(), next, previous);
                }
                State::Fetching(mut future, next, previous) => {
                    let response = match future.as_mut().poll(cx) {
                        Poll::Pending => {
                            this.state = State::Fetching(future, next, previous);
                            return Poll::Pending;
                        }
                        Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                        Poll::Ready(Ok(response)) => response,
                    };
                    let request_id = response.request_id().map(str::to_owned);
                    let (items, has_more, cursor) = response.into_inner().into_parts();
                    let cursor = cursor.filter(|c| !c.is_empty());
                    let follow = cursor
                        .as_ref()
                        .filter(|c| has_more && Some(*c) != previous.as_ref());
                    if let Some(c) = follow {
                        let mut next = next;
                        next.set_cursor(c.clone());
                        this.state = State::Start(next, Some(c.clone()));
                    }
                    return Poll::Ready(Some(Ok(Page {
                        items,
                        has_more,
                        next_cursor: cursor,
                        request_id,
                    })));
                }
                State::Done => return Poll::Ready(None),
            }
        }
    }
}

/// The stream of every item of a paginated list: its pages, flattened.
struct Items<B: Paginated> {
    pages: Pages<B>,
    current: std::vec::IntoIter<Item<B>>,
}

/// Walks every page as [`paginate_pages`] does and yields their items. Only one page is
/// held at a time: the next is fetched when the items of this one have been taken.
pub fn paginate<B: Paginated>(
    builder: B,
) -> impl Stream<Item = Result<Item<B>>> + Send + Unpin + 'static
where
    Item<B>: Send + Unpin + 'static,
{
    Items {
        pages: Pages {
            state: State::Start(builder, None),
        },
        current: Vec::new().into_iter(),
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
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.current = page.items.into_iter(),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => return Poll::Ready(None),
            }
        }
    }
}
