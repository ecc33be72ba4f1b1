//! Recursive types: a struct that holds itself (directly or through other structs, `Option`s
//! or enums) would have infinite size, so such edges are boxed; an alias that refers to itself
//! (even through `Vec`) is not allowed in Rust, so such aliases become newtypes.

use super::types::{children, children_mut};
use crate::ir::{TypeDef, TypeId, TypeKind, TypeRef};

/// Boxes the edges that close a cycle of by-value containment, and turns recursive aliases
/// into newtypes. `types` is indexed by [`TypeId`].
pub(super) fn box_cycles(types: &mut [Option<TypeDef>]) {
    let n = types.len();
    // Edges that make a value contain another by value, and all edges (for aliases).
    let mut direct = vec![Vec::new(); n];
    let mut all = vec![Vec::new(); n];
    for (i, def) in types.iter().enumerate() {
        let Some(def) = def else { continue };
        for ty in children(&def.kind) {
            collect(ty, true, &mut |target, by_value| {
                if target.0 < n {
                    all[i].push(target.0);
                    if by_value {
                        direct[i].push(target.0);
                    }
                }
            });
        }
    }

    let direct_scc = strongly_connected(&direct);
    let all_scc = strongly_connected(&all);

    for (i, def) in types.iter_mut().enumerate() {
        let Some(def) = def else { continue };
        // An edge i -> j closes a cycle exactly when both ends are in one component.
        let in_cycle = |j: usize, scc: &[usize]| scc[i] == scc[j];
        let recursive_by_value = |t: TypeId| t.0 < n && in_cycle(t.0, &direct_scc);
        match &mut def.kind {
            TypeKind::Alias(target) => {
                let recursive = all[i].iter().any(|&j| in_cycle(j, &all_scc));
                if recursive {
                    let target = std::mem::replace(target, TypeRef::Json);
                    def.kind = TypeKind::Newtype(target);
                    // A newtype that holds itself by value still needs a box.
                    if let TypeKind::Newtype(target) = &mut def.kind {
                        box_refs(target, &recursive_by_value);
                    }
                }
            }
            kind => {
                for ty in children_mut(kind) {
                    box_refs(ty, &recursive_by_value);
                }
            }
        }
    }
}

/// Calls `f(id, by_value)` for every named type inside `ty`.
fn collect(ty: &TypeRef, by_value: bool, f: &mut impl FnMut(TypeId, bool)) {
    match ty {
        TypeRef::Named(id) => f(*id, by_value),
        TypeRef::Nullable(inner) => collect(inner, by_value, f),
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => {
            collect(inner, false, f)
        }
        _ => {}
    }
}

/// Boxes every by-value reference to a type for which `recursive` holds.
fn box_refs(ty: &mut TypeRef, recursive: &impl Fn(TypeId) -> bool) {
    match ty {
        TypeRef::Named(id) if recursive(*id) => {
            let inner = std::mem::replace(ty, TypeRef::Json);
            *ty = TypeRef::Boxed(Box::new(inner));
        }
        TypeRef::Nullable(inner) => box_refs(inner, recursive),
        _ => {}
    }
}

/// Tarjan's algorithm, iterative (specs are untrusted: no recursion depth to exhaust).
/// Returns the component id of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;

    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position in its edge list)
        let mut work = vec![(root, 0usize)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut pos)) = work.last_mut() {
            if let Some(&next) = edges[node].get(*pos) {
                *pos += 1;
                if index[next] == UNSEEN {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components() {
        // 0 <-> 1, 2 -> 0, 3 -> 3
        let edges = vec![vec![1], vec![0], vec![0], vec![3]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_ne!(c[0], c[2]);
        assert_ne!(c[3], c[0]);
    }
}
