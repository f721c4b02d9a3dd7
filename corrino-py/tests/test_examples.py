"""The notebook example runs as a script; the typed example passes `mypy --strict`; the stubs match the extension
module (`mypy.stubtest`)."""

from __future__ import annotations

import contextlib
import io
import pathlib
import runpy
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1]


def test_the_notebook_example_runs() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(str(PACKAGE / "examples" / "notebook_example.py"), run_name="__main__")
    text = out.getvalue()
    assert "2 replicas per node on VM.GPU.A10.2: 4 replicas need 2 nodes, 0 would stay Pending" in text
    assert "scaling threshold 0.1 (recipe)" in text
    assert "kind: Deployment" in text
    assert "error[too-many-gpus] /recipe_nvidia_gpu_count" in text
    assert "error[unknown-field] /recipe_pod_autoscaling_params/max_replica" in text
    assert "not rendered:" in text
    assert "Simulation(duration_seconds=3600, peak_spec_replicas=4, peak_nodes=2, first_scale_up_at=135" in text
    assert "first scale-up at 135 s, peak 4 replicas on 2 nodes" in text
    assert "  135 s  1 -> 2  ScaleUpLimit" in text
    assert "the step comes at 300 s; the first scale-up at 420 s" in text
    assert "t,load,metric,threshold," in text and "120 samples" in text
    assert "not simulated: bad scenario: unknown field `duration`" in text


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=PACKAGE, capture_output=True, text=True, check=False
    )


def test_the_typed_example_and_the_package_pass_mypy_strict() -> None:
    result = mypy("mypy", "--strict", "tests/typed_example.py", "examples", "python/corrino")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_rejects_misuse(tmp_path: pathlib.Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "import corrino\n"
        "corrino.render('r.json', scrape='pod_monitor')\n"
        "corrino.render('r.json', namespaces='x')\n"
        "corrino.validate(3)\n"
        "n: int = corrino.plan('r.json').name\n"
        "corrino.simulate('r.json', 600)\n"
        "s: str = corrino.simulate('r.json').summary\n"
        "r: int = corrino.simulate('r.json').summary['first_scale_up_at']\n"
        "corrino.simulate('r.json').settings['shap']\n"
        "k: str = corrino.tune('r.json')['chosen']['knobs']['threshold']\n"
        "e: corrino.ScenarioError = {'kind': 'out-of-range'}\n"
    )
    result = mypy("mypy", "--strict", str(wrong))
    assert result.returncode == 1
    assert result.stdout.count("error:") == 10, result.stdout


def test_the_stubs_match_the_extension_module() -> None:
    result = mypy("mypy.stubtest", "corrino._corrino")
    assert result.returncode == 0, result.stdout + result.stderr
