//! `$ref`s: one resolver that follows chains of references to the thing they name and stops
//! at a cycle, for every kind of component (schemas, parameters, responses, request bodies,
//! examples) and for the untyped document that the examples are read from.

use super::Cx;
use crate::error::Diagnostic;
use crate::pointer::{Pointer, unescape_token};
use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, ReferenceOr};

/// One step of a chain: the thing itself, or a reference to follow.
pub(super) enum Step<'a, T> {
    Item(T),
    Ref(&'a str),
}

/// Why a chain of references does not end in a thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Broken<'a> {
    /// This reference names nothing the lookup knows.
    Dangling(&'a str),
    /// This reference was met before.
    Cycle(&'a str),
}

/// Follows `first` through `lookup` until it reaches a thing, returning it with the place
/// it is written (`at` when `first` is the thing itself).
pub(super) fn follow<'a, T, P>(
    first: Step<'a, T>,
    at: P,
    lookup: impl Fn(&'a str) -> Option<(Step<'a, T>, P)>,
) -> Result<(T, P), Broken<'a>> {
    let mut current = first;
    let mut at = at;
    let mut seen: Vec<&'a str> = Vec::new();
    loop {
        match current {
            Step::Item(item) => return Ok((item, at)),
            Step::Ref(reference) => {
                if seen.contains(&reference) {
                    return Err(Broken::Cycle(reference));
                }
                seen.push(reference);
                (current, at) = lookup(reference).ok_or(Broken::Dangling(reference))?;
            }
        }
    }
}

/// A kind of component that `$ref`s name: where it lives and what it is called in messages.
pub(super) trait Component: Sized {
    /// The section of `#/components` (`schemas`).
    const SECTION: &'static str;
    /// What one is called in a message (`a schema`).
    const WHAT: &'static str;
    /// What to do about a cycle of references.
    const CYCLE_HINT: &'static str = "fix the reference";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;

    /// The message and hint for a reference that names nothing.
    fn dangling(reference: &str, spec: &OpenAPI) -> (String, String) {
        let _ = spec;
        (
            format!(
                "`$ref: {reference}` does not point at {} under #/components/{}",
                Self::WHAT,
                Self::SECTION
            ),
            "fix the reference".to_owned(),
        )
    }
}

impl Component for openapiv3::Schema {
    const SECTION: &'static str = "schemas";
    const WHAT: &'static str = "a schema";
    const CYCLE_HINT: &'static str = "make one of the schemas in the cycle a real schema";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }

    fn dangling(reference: &str, _spec: &OpenAPI) -> (String, String) {
        let prefix = "#/components/schemas/";
        match reference.strip_prefix(prefix).map(unescape_token) {
            Some(key) if key.contains('/') => (
                format!("`$ref: {reference}` points inside a schema"),
                "refer to a whole schema under #/components/schemas (move the part into a \
                 schema of its own)"
                    .to_owned(),
            ),
            Some(_) => (
                format!("`$ref: {reference}` points at a schema that does not exist"),
                "fix the reference or add the schema under #/components/schemas".to_owned(),
            ),
            None => (
                format!("`$ref: {reference}` is not a reference to #/components/schemas/NAME"),
                "move the referenced schema into #/components/schemas and refer to it there"
                    .to_owned(),
            ),
        }
    }
}

impl Component for openapiv3::Parameter {
    const SECTION: &'static str = "parameters";
    const WHAT: &'static str = "a parameter";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for openapiv3::Response {
    const SECTION: &'static str = "responses";
    const WHAT: &'static str = "a response";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

impl Component for openapiv3::RequestBody {
    const SECTION: &'static str = "requestBodies";
    const WHAT: &'static str = "a request body";

    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

/// The component a reference names directly (one hop), with its key.
pub(super) fn component<'a, T: Component>(
    spec: &'a OpenAPI,
    reference: &str,
) -> Option<(&'a String, &'a ReferenceOr<T>)> {
    let prefix = format!("#/components/{}/", T::SECTION);
    let key = unescape_token(reference.strip_prefix(&prefix)?);
    T::section(spec.components.as_ref()?).get_key_value(&key)
}

/// Follows a typed reference (through chains of components) without reporting anything.
pub(super) fn peek<'a, T: Component>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    at: &Pointer,
) -> Result<(&'a T, Pointer), Broken<'a>> {
    follow(step(item), at.clone(), |reference| {
        component::<T>(spec, reference)
            .map(|(key, next)| (step(next), Pointer::component(T::SECTION, key)))
    })
}

fn step<T>(item: &ReferenceOr<T>) -> Step<'_, &T> {
    match item {
        ReferenceOr::Item(item) => Step::Item(item),
        ReferenceOr::Reference { reference } => Step::Ref(reference),
    }
}

impl<'a> Cx<'a> {
    /// Follows a reference to the component it names; a reference that names nothing, or a
    /// cycle of them, is reported at `pointer`.
    pub(super) fn resolve<T: Component>(
        &mut self,
        item: &'a ReferenceOr<T>,
        pointer: &Pointer,
    ) -> Option<(&'a T, Pointer)> {
        let spec: &'a OpenAPI = self.spec;
        match peek(spec, item, pointer) {
            Ok(found) => Some(found),
            Err(broken) => {
                self.report_broken::<T>(broken, pointer);
                None
            }
        }
    }

    /// Reports a chain of references that does not end in a thing.
    pub(super) fn report_broken<T: Component>(&mut self, broken: Broken<'_>, pointer: &Pointer) {
        let (message, hint) = match broken {
            Broken::Cycle(reference) => (
                format!("`$ref: {reference}` is part of a cycle of references"),
                T::CYCLE_HINT.to_owned(),
            ),
            Broken::Dangling(reference) => T::dangling(reference, self.spec),
        };
        self.error(Diagnostic::new(pointer.as_str(), message, hint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(reference: &str) -> Option<(Step<'_, u32>, Pointer)> {
        let step = match reference {
            "a" => Step::Ref("b"),
            "b" => Step::Item(7),
            "loop1" => Step::Ref("loop2"),
            "loop2" => Step::Ref("loop1"),
            _ => return None,
        };
        Some((step, Pointer::root().join(reference)))
    }

    #[test]
    fn chains_cycles_and_dangling_references() {
        let at = Pointer::root().join("here");
        assert_eq!(
            follow(Step::Item(1), at.clone(), lookup),
            Ok((1, at.clone()))
        );
        assert_eq!(
            follow(Step::Ref("a"), at.clone(), lookup),
            Ok((7, Pointer::root().join("b")))
        );
        assert_eq!(
            follow(Step::Ref("loop1"), at.clone(), lookup),
            Err(Broken::Cycle("loop1"))
        );
        assert_eq!(
            follow(Step::Ref("nowhere"), at, lookup),
            Err(Broken::Dangling("nowhere"))
        );
    }
}
