"""Solara's browser assets, installed from the npm registry so the UI works offline.

Solara's page loads its JavaScript and CSS bundles (the Vuetify app, RequireJS, Font Awesome)
through its own server, which fetches each file once from a public CDN and caches it under
``<venv>/share/solara/cdn``. Without internet access that fetch fails and the page stays blank.
The ``solara-assets`` wheel on PyPI that ships these files lags Solara's releases, so instead
this module fills the same cache with the npm packages (``npm pack``, the registry's ordinary
client) that Solara's page template names, at exactly the versions it names.

``python -m sim.ui.assets`` installs what is missing; ``python -m sim.ui`` does so on start.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

SPEC = re.compile(r"\{\{ ?cdn ?\}\}/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/")


class AssetsError(RuntimeError):
    """The browser assets are missing and could not be installed."""


def cache_dir() -> Path:
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def required_packages() -> list[str]:
    """npm ``name@version`` specs the page template and settings of this Solara load."""
    import ipyvue
    import solara.server
    from solara.server import settings

    # as solara.server.server decides; importing that module here would load the app registry
    # before ``solara run`` has named the app
    vue3 = ipyvue.__version__.startswith("3")
    templates = Path(solara.server.__file__).parent / "templates"
    specs: set[str] = set()
    for template in templates.glob("*.j2"):
        specs.update(SPEC.findall(template.read_text(encoding="utf-8")))
    # the template names the Vue 2 and the Vue 3 app; only the one for this ipyvue is loaded
    unused = "@widgetti/solara-vuetify-app@" if vue3 else "@widgetti/solara-vuetify3-app@"
    specs = {s for s in specs if not s.startswith(unused)}
    if settings.assets.fontawesome_enabled:
        specs.add(settings.assets.fontawesome_path.strip("/").split("/")[0])
    return sorted(specs)


def missing_packages() -> list[str]:
    root = cache_dir()
    return [spec for spec in required_packages() if not (root / spec / "package.json").is_file()]


def install(specs: list[str] | None = None, quiet: bool = False) -> list[str]:
    """Install the missing (or the given) packages into Solara's cache; returns those installed."""
    specs = missing_packages() if specs is None else specs
    if not specs:
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsError(
            f"Solara's browser assets are missing ({', '.join(specs)}) and npm is not installed; "
            "install Node.js/npm (Debian: apt-get install npm) and run: python -m sim.ui.assets"
        )
    root = cache_dir()
    with tempfile.TemporaryDirectory() as tmp:
        for spec in specs:
            if not quiet:
                print(f"installing browser asset {spec} from the npm registry", file=sys.stderr)
            proc = subprocess.run(
                [npm, "pack", spec, "--pack-destination", tmp, "--silent"],
                capture_output=True,
                text=True,
                timeout=300,
            )
            if proc.returncode != 0:
                raise AssetsError(f"npm pack {spec} failed: {proc.stderr.strip()[-500:]}")
            tarball = Path(tmp) / proc.stdout.strip().splitlines()[-1]
            _unpack(tarball, root / spec)
    return specs


def _unpack(tarball: Path, target: Path) -> None:
    """Unpack an npm tarball (files under ``package/``) atomically into ``target``."""
    staging = target.parent / f".{target.name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(tarball) as tar:
        members = []
        for member in tar.getmembers():
            parts = member.name.split("/", 1)
            if len(parts) == 2 and parts[1]:
                member.name = parts[1]
                members.append(member)
        tar.extractall(staging, members=members, filter="data")
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)


def main() -> None:
    try:
        done = install()
    except AssetsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(f"installed: {', '.join(done)}" if done else f"all assets present in {cache_dir()}")


if __name__ == "__main__":
    main()
