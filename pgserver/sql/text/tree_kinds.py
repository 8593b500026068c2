"""The node classes a tree holds, so that a pass over a kind the tree lacks costs no walk (grammar.normalize,
type_resolution.resolve). A pass that may change the tree makes the kinds be taken again before the next asks."""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp


class PresentKinds:
    def __init__(self, tree: exp.Expression) -> None:
        self._tree = tree
        self._kinds: set[type] | None = None

    def has(self, *classes: type) -> bool:
        """Whether the tree holds a node of one of `classes` (or of a subclass)."""
        if self._kinds is None:
            self._kinds = {type(node) for node in self._tree.walk()}
        return any(issubclass(kind, classes) for kind in self._kinds)

    def changed(self) -> None:
        """The tree may have changed: take the kinds again when next asked."""
        self._kinds = None

    def find_all(self, *classes: type) -> Iterator[exp.Expression]:
        """tree.find_all(*classes), or nothing without a walk when the tree holds none; the caller may change
        what it finds, so the kinds are taken again afterwards."""
        if not self.has(*classes):
            return iter(())
        self.changed()
        return self._tree.find_all(*classes)
