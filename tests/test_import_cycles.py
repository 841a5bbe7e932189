"""No import cycles between the project's modules (the layers contract in pyproject.toml is checked by
`lint-imports` in .ci/run; a cycle inside one layer would slip past it).

grimp (import-linter's graph) finds them: an import `a -> b` is part of a cycle exactly when `b` leads
back to `a`. Imports under `if TYPE_CHECKING:` and inside functions count too: a cycle is a cycle to
whoever reads the code.
"""

from __future__ import annotations

import grimp
from grimp import ImportGraph

PACKAGES = ("bot", "channels", "handoff", "knowledge", "policies")


def cycles(graph: ImportGraph) -> list[tuple[str, ...]]:
    """For each import that is part of a cycle, the shortest way round: `a`, what it imports, ... back to `a`."""
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                found.append((importer, *back))
    return found


def test_the_check_finds_a_cycle_made_on_purpose() -> None:
    graph = grimp.build_graph(*PACKAGES)
    graph.add_import(importer="bot.core.errors", imported="bot.app.web")  # the ground importing the application
    found = cycles(graph)
    assert found and all(chain[0] == chain[-1] for chain in found)
    assert any(chain[:2] == ("bot.core.errors", "bot.app.web") for chain in found)


def test_no_import_cycles_between_modules() -> None:
    assert cycles(grimp.build_graph(*PACKAGES)) == []
