"""The exported SDL is the contract partners code against: it must match the schema."""

from pathlib import Path

from graphql import GraphQLObjectType

from graphql_api.schema import SDL_PATH, export_sdl, schema


def test_sdl_file_matches_the_schema() -> None:
    # If this fails: python -c "from graphql_api.schema import *; SDL_PATH.write_text(export_sdl())"
    assert Path(SDL_PATH).read_text() == export_sdl()


def test_every_field_and_type_has_a_description() -> None:
    missing = []
    for name, gql_type in schema._schema.type_map.items():
        if name.startswith("__") or not isinstance(gql_type, GraphQLObjectType):
            continue
        for field_name, field in gql_type.fields.items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
    assert not missing, missing


def test_money_is_never_float_or_int() -> None:
    money = schema._schema.type_map["Money"]
    assert str(money.fields["amount"].type) == "Decimal!"
    assert "Float" not in export_sdl()
