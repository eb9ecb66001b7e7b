"""A query's cost, computed from its text before any resolver runs, and refused over the caller's budget.

Every field costs one per instance of its parent. A list multiplies what is selected below it by its size:
a field with a `first` argument by that page size (schema/pagination.py's default when absent;
on a connection the page is its `edges`), any other list of data by settings.query_list_size, an estimate
of a version's entries or changes, and introspection lists by the schema's own average sizes.
Introspection fields are plain attribute reads, measured about eight times cheaper than the registry's own.
"""

import math
from collections.abc import Iterator
from functools import cache

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    is_input_object_type,
    is_interface_type,
    is_object_type,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from strawberry.extensions import SchemaExtension

from schema.settings import AppSettings
from schema.pagination import page_size

COSTLY = "QUERY_TOO_COSTLY"
_META_FIELDS = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}
INTROSPECTION_WEIGHT = 1 / 8


def query_budget(settings: AppSettings, principal: object | None) -> int:
    """What one operation may cost: anonymous callers get the lower budget."""
    return settings.query_cost_anonymous if principal is None else settings.query_cost_authenticated


class QueryCost(SchemaExtension):
    """Refuses an operation whose cost exceeds the caller's budget, before execution starts."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        settings, principal = context.context.settings, context.context.principal
        operation = get_operation_ast(context.graphql_document, context.operation_name)
        if operation is not None:
            schema = context.schema._schema
            cost = operation_cost(schema, context.graphql_document, operation, context.variables or {}, settings,
                                  refused=_refused_roots(schema.get_root_type(operation.operation), principal))
            budget = query_budget(settings, principal)
            if cost > budget:
                context.result = GraphQLExecutionResult(data=None, errors=[GraphQLError(
                    f"Query cost {cost} exceeds the budget of {budget}: ask for smaller pages (first) or fewer "
                    f"nested lists and aliases.",
                    extensions={"code": COSTLY, "cost": cost, "budget": budget})])
        yield


def _refused_roots(root, principal: object | None) -> set[str]:
    # A stranger's call of a field that needs a token is refused by its permission before any work, so it
    # costs nothing: the customer page's `me` with an expired link must answer FORBIDDEN, not "too costly".
    if principal is not None or root is None:
        return set()
    return {name for name, field in root.fields.items()
            if getattr(field.extensions.get("strawberry-definition"), "permission_classes", None)}


def operation_cost(schema: GraphQLSchema, document, operation: OperationDefinitionNode, variables: dict,
                   settings: AppSettings, refused: frozenset[str] | set[str] = frozenset()) -> int:
    """The cost of one operation of a validated document; root fields in `refused` cost 1 (they will not run)."""
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    root = schema.get_root_type(operation.operation)
    sizes = _introspection_sizes(schema)

    def walk(selection_set, parent, multiplier: float, page: int | None) -> float:
        total = 0.0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += field_cost(selection, parent, multiplier, page)
            elif isinstance(selection, InlineFragmentNode):
                inner = schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                total += walk(selection.selection_set, inner, multiplier, page)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                fragment = fragments[selection.name.value]
                total += walk(fragment.selection_set, schema.get_type(fragment.type_condition.name.value),
                              multiplier, page)
        return total

    def field_cost(node: FieldNode, parent, multiplier: float, page: int | None) -> float:
        definition = _META_FIELDS.get(node.name.value) or getattr(parent, "fields", {}).get(node.name.value)
        if definition is None or node.selection_set is None or (parent is root and node.name.value in refused):
            return multiplier  # a leaf, __typename, or a field of an abstract type counted once
        if node.name.value in _META_FIELDS:
            multiplier *= INTROSPECTION_WEIGHT
        own_page = _first(node, variables, settings) if "first" in definition.args else None
        inner = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
        if isinstance(inner, GraphQLList):
            size = own_page or page or sizes.get((parent.name, node.name.value), settings.query_list_size)
            return multiplier + walk(node.selection_set, get_named_type(inner), multiplier * size, None)
        return multiplier + walk(node.selection_set, get_named_type(inner), multiplier, own_page or page)

    return math.ceil(walk(operation.selection_set, root, 1, None))


def _first(node: FieldNode, variables: dict, settings: AppSettings) -> int:
    argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
    value = None
    if argument is not None and isinstance(argument.value, IntValueNode):
        value = int(argument.value.value)
    elif argument is not None and isinstance(argument.value, VariableNode):
        value = variables.get(argument.value.name.value)
    if value is None:
        return page_size(settings, None)
    return min(value, settings.max_page_size) if isinstance(value, int) and value > 0 else 1


@cache
def _introspection_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], float]:
    # Introspection lists are as long as the schema makes them; their averages price a whole-schema query right.
    types = list(schema.type_map.values())
    fields = [f for t in types if is_object_type(t) or is_interface_type(t) for f in t.fields.values()]
    input_fields = sum(len(t.fields) for t in types if is_input_object_type(t))
    average = lambda part, whole: max(1.0, part / max(1, whole))  # noqa: E731
    return {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): len(schema.directives),
        ("__Type", "fields"): average(len(fields), len(types)),
        ("__Type", "inputFields"): average(input_fields, len(types)),
        ("__Type", "enumValues"): average(sum(len(getattr(t, "values", ())) for t in types), len(types)),
        ("__Type", "interfaces"): average(sum(len(getattr(t, "interfaces", ())) for t in types), len(types)),
        ("__Type", "possibleTypes"): average(sum(len(getattr(t, "types", ())) for t in types), len(types)),
        ("__Field", "args"): average(sum(len(getattr(f, "args", ())) for f in fields), len(fields)),
        ("__Directive", "args"): average(sum(len(d.args) for d in schema.directives), len(schema.directives)),
        ("__Directive", "locations"): 1.0,
    }
