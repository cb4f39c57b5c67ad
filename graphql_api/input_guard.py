"""Refusing control characters in every string argument, before anything runs.

A NUL byte reaches PostgreSQL as "invalid byte sequence" (a 500), a lone surrogate fails
UTF-8 encoding, and other control characters are never meant in a name, a login or a
narration. So every string an operation passes (document literals and variables, at any
depth of an input object or list) is checked before execution: one bad string refuses the
whole operation with a GraphQL error coded ``INVALID_INPUT`` whose ``field`` names the
argument path (``input.fullName``), and no resolver, service or query runs. The message
names the field, never the value, and nothing is logged but the code.

Tab, line feed and carriage return are allowed (an address may be typed on lines);
the validators of each field decide what they keep.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from bankcore.members.particulars import has_control_characters


def _bad_in_raw(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if has_control_characters(value) else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _bad_in_raw(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = _bad_in_raw(item, path)
            if found:
                return found
    return None


def _bad_in_node(node: ValueNode, path: str, variables: Mapping[str, Any]) -> str | None:
    if isinstance(node, StringValueNode):
        return path if has_control_characters(node.value) else None
    if isinstance(node, VariableNode):
        return _bad_in_raw(variables.get(node.name.value), path)
    if isinstance(node, ObjectValueNode):
        for field in node.fields:
            found = _bad_in_node(field.value, f"{path}.{field.name.value}", variables)
            if found:
                return found
    elif isinstance(node, ListValueNode):
        for item in node.values:
            found = _bad_in_node(item, path, variables)
            if found:
                return found
    return None


def _fields(selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode], seen: set[str]) -> Iterator[FieldNode]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection
            yield from _fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, fragments, seen)


def find_control_characters(document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None) -> str | None:
    """The argument path (``input.fullName``) of the first string holding a control character, or None."""
    variables = variables or {}
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name is not None and (definition.name is None or definition.name.value != operation_name):
            continue
        for field in _fields(definition.selection_set, fragments, set()):
            for argument in field.arguments or ():
                found = _bad_in_node(argument.value, argument.name.value, variables)
                if found:
                    return found
            for directive in field.directives or ():
                for argument in directive.arguments or ():
                    found = _bad_in_node(argument.value, argument.name.value, variables)
                    if found:
                        return found
    return None


def control_character_error(path: str) -> GraphQLError:
    return GraphQLError(
        f"{path} contains a control character (such as NUL); remove it and try again.",
        extensions={"code": "INVALID_INPUT", "field": path},
    )


class ControlCharacterGuard(SchemaExtension):
    """Refuses an operation whose string arguments hold control characters (see the module)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            path = find_control_characters(document, context.operation_name, context.variables)
            if path is not None:
                raise control_character_error(path)
        yield
