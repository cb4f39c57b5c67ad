"""Every command that ends by serving gives ``serve`` all the options it reads."""

from __future__ import annotations

from coopbank.cli import build_parser


def _destinations(argv: list[str]) -> set[str]:
    return set(vars(build_parser().parse_args(argv)))


def test_demo_parses_every_option_serve_reads() -> None:
    # `coopbank demo` crashed at serve time with "'Namespace' object has no attribute 'log_format'"
    # when serve gained an option demo did not declare.
    serve = _destinations(["serve"]) - {"command", "func"}
    assert serve <= _destinations(["demo"]), serve - _destinations(["demo"])
    demo = build_parser().parse_args(["demo", "--log-format", "text", "--port", "8181"])
    assert demo.log_format == "text" and demo.port == 8181
