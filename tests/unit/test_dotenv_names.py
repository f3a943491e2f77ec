"""server/.env names a shell sets itself (configgen.render.escape.SHELL_SET_NAMES): each really is
one, as the shells here read a sourced file; configgen refuses to write them and says so at the key."""

from __future__ import annotations

import shutil

import pytest

from configgen.render.escape import SHELL_SET_NAMES, UnsafeValue, dotenv_name
from tests.support.readers import SHELLS, shell_read


@pytest.mark.skipif(not {"sh", "bash"} <= set(SHELLS), reason="needs sh and bash")
def test_every_refused_name_loses_its_value_when_sourced() -> None:
    lost = set()
    for shell in SHELLS:
        names = sorted(SHELL_SET_NAMES)
        text = "".join(f"{n}='configgen-x'\n" for n in names)
        got, _created, _err = shell_read(shell, text, names)
        lost |= {n for n in names if got.get(n) != "configgen-x"}
    assert lost == SHELL_SET_NAMES


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_names_near_them_are_kept() -> None:
    names = ["UIDS", "MY_UID", "RANDOM_SEED", "__", "uid", "LINENO_X", "PATH_EXTRA"]
    for shell in SHELLS:
        got, _created, _err = shell_read(shell, "".join(f"{n}='configgen-x'\n" for n in names), names)
        assert got == dict.fromkeys(names, "configgen-x"), shell
    for n in names:
        assert dotenv_name(n) == n


@pytest.mark.parametrize("name", sorted(SHELL_SET_NAMES))
def test_render_refuses_them(name: str) -> None:
    with pytest.raises(UnsafeValue, match=f"a shell sets {name} itself"):
        dotenv_name(name)
