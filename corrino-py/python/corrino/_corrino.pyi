"""corrino-core's validation, planning, rendering and autoscaling simulation of OCI AI Blueprints recipes (the native
module)."""

from collections.abc import Mapping
from typing import Any, final

from typing_extensions import Unpack

from ._options import KedaVersion, KubernetesVersion, RenderOptions, ScrapeMode
from ._simulation import (
    ScalingDecision,
    SearchSpace,
    SimulationEvent,
    SimulationSample,
    SimulationSettings,
    SimulationSummary,
    TuneResult,
)
from ._types import (
    Diagnostics,
    JsonObject,
    RecipeInput,
    ScenarioInput,
    Severity,
)

__all__ = [
    "Diagnostic",
    "Plan",
    "Simulation",
    "_diagnostics_html",
    "_read_recipe",
    "compare",
    "default_query",
    "plan",
    "render",
    "render_oci",
    "render_yaml",
    "shapes",
    "simulate",
    "tune",
    "validate",
    "__version__",
]

__version__: str

@final
class Diagnostic:
    """One problem of a recipe: where (a JSON pointer), what kind (a stable code), how serious, what is wrong,
    where it can be told how to fix it, and the value it is about (``input``).

    Equal when every field is; hashable; ``str()`` gives the one-line form ``error[code] /path: message``.
    """

    def __new__(
        cls,
        path: str,
        code: str,
        severity: Severity,
        message: str,
        hint: str | None = None,
        input: Any = None,
    ) -> Diagnostic:
        """A diagnostic from its fields (``input=None``: none); ``ValueError`` for an unknown code or severity."""

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Diagnostic:
        """The diagnostic of a dict as ``to_dict()`` writes it (as ``corrino validate --format json`` and the goldens
        ``fixtures/invalid/*.diagnostics.json`` hold it): an ``input`` key, ``None`` included, is the input; no key,
        none. ``ValueError`` for a dict that is not a diagnostic."""

    @property
    def path(self) -> str:
        """Where: a JSON pointer (RFC 6901) into the recipe, ``""`` for the whole document."""

    @property
    def code(self) -> str:
        """What kind of problem, stable across releases (kebab-case, listed in docs/diagnostics.md)."""

    @property
    def severity(self) -> Severity:
        """``"error"``, ``"warning"`` or ``"note"``."""

    @property
    def message(self) -> str:
        """What is wrong, in one sentence, with the numbers that matter."""

    @property
    def hint(self) -> str | None:
        """How to fix it, where it can be told."""

    @property
    def input(self) -> Any:
        """The value at ``path`` in the recipe as read, as JSON data, cut to a bounded size (strings to 100
        characters, arrays and objects to 10 items and two levels: see docs/diagnostics.md). ``None`` when nothing is
        there (a missing field), which ``to_dict()`` tells from a ``null`` in the recipe by having no ``input`` key."""

    def to_dict(self) -> dict[str, Any]:
        """The diagnostic as ``corrino validate --format json`` writes it (no ``hint`` or ``input`` key when there is
        none)."""

    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]: ...
    def _repr_html_(self) -> str: ...

@final
class Plan:
    """A recipe with everything derived from it resolved, and every problem found.

    Each property holds what ``to_dict()`` holds under its name, converted anew on each access; ``diagnostics``
    holds ``Diagnostic`` objects and ``members`` ``Plan`` objects. Plans are equal when everything in them is.
    """

    @property
    def recipe(self) -> JsonObject:
        """The recipe as written (as corrino reads it)."""

    @property
    def name(self) -> str | None:
        """The canonical deployment name, when valid."""

    @property
    def mode(self) -> str | None:
        """The recipe's mode (``"service"``, ``"job"``, ``"shared_node_pool"``, …)."""

    @property
    def shape(self) -> JsonObject | None:
        """The node shape, as ``shapes()`` lists it, when known."""

    @property
    def gpus_per_replica(self) -> int:
        """GPUs per replica (0 for CPU workloads)."""

    @property
    def container_port(self) -> int | None:
        """The container port, when valid."""

    @property
    def pod_autoscaling(self) -> JsonObject | None:
        """Pod autoscaling, when asked for: each value with its source."""

    @property
    def node_autoscaling(self) -> JsonObject | None:
        """Node autoscaling (``min_nodes``, ``max_nodes``), when asked for."""

    @property
    def capacity(self) -> JsonObject | None:
        """The capacity plan of a GPU workload: replicas per node, nodes needed, replicas that would stay Pending."""

    @property
    def model(self) -> JsonObject | None:
        """A service's model: whether it fits its GPUs (``memory``) and its cold-start budget (``startup``)."""

    @property
    def multinode(self) -> JsonObject | None:
        """A multinode service's group: ``{"nodes", "rdma"}``."""

    @property
    def queue(self) -> JsonObject | None:
        """The Kueue queue of a job under a team: ``{"team", "namespace", "local_queue", "priority_class"}``."""

    @property
    def team(self) -> JsonObject | None:
        """A ``team`` recipe's team as Kueue gets it: name, its objects' names (namespace, queues, priority class,
        cohort), priority and quotas per shape."""

    @property
    def update(self) -> JsonObject | None:
        """An ``update`` recipe's target nodes and the labels set on them."""

    @property
    def member(self) -> str | None:
        """A deployment group member's name in its group (``None`` for a recipe of its own)."""

    @property
    def members(self) -> list[Plan]:
        """The plans of a deployment group's members, in the group's order."""

    @property
    def diagnostics(self) -> Diagnostics:
        """Every problem found."""

    @property
    def is_renderable(self) -> bool:
        """Whether the recipe has no errors (warnings and notes allowed)."""

    def to_dict(self) -> JsonObject:
        """The plan as ``corrino plan --format json`` writes it."""

    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]
    def _repr_html_(self) -> str: ...

@final
class Simulation:
    """A finished simulation of a recipe's autoscaling: the values it ran with, the timeline, the HPA's decisions,
    what happened when, and figures over the run.

    Each property holds what ``to_dict()`` holds under its name, converted anew on each access. Simulations are equal
    when everything in them is. In a notebook, a simulation shows as a table of its figures above its chart.
    """

    @property
    def settings(self) -> SimulationSettings:
        """The values the simulation ran with, defaults resolved: ``shape``, ``min_replicas``, ``max_replicas``,
        ``threshold``, ``metric_type``, ``query``, the controller intervals, ``serving``, ``pod_timing``,
        ``cluster_autoscaler``, ``initial_replicas``, ``initial_nodes``, …"""

    @property
    def samples(self) -> list[SimulationSample]:
        """The timeline, one row per sample interval: ``t``, ``load``, ``metric``, ``threshold``, ``keda_active``,
        ``hpa_desired``, ``spec_replicas``, ``ready_replicas``, ``starting_replicas``, ``pending_replicas``,
        ``ready_nodes``, ``provisioning_nodes``, ``in_flight``, ``completed``, ``latency_p50``, ``latency_p95``,
        ``slo_misses``."""

    @property
    def decisions(self) -> list[ScalingDecision]:
        """The HPA's syncs whose outcome differed from the previous one: ``t``, the replicas before and after, the
        metric, and the controller's ``reason`` (``ScaleUpLimit``, ``ScaleDownStabilized``, …) and ``message``."""

    @property
    def events(self) -> list[SimulationEvent]:
        """What happened when: each has ``t`` and a ``kind`` (``replicas-changed``, ``nodes-requested``,
        ``node-ready``, ``node-removed``, ``pod-ready``, ``requests-failed``, ``load-finished``) with its fields."""

    @property
    def summary(self) -> SimulationSummary:
        """Figures over the run: ``duration_seconds``, ``first_scale_up_at``, ``first_node_requested_at``,
        ``steady_state_at``, ``peak_spec_replicas``, ``peak_ready_replicas``, ``peak_nodes``, ``scale_events``,
        ``flapping_count``, request counts (``requests_sent`` = ``requests_completed`` + ``requests_failed`` +
        ``requests_in_flight``, the last those still queued or running at the end), latencies, ``gpu_hours``, …"""

    @property
    def notes(self) -> list[JsonObject]:
        """What to know about the scenario as it ran: diagnostics (``path``, ``code``, ``severity``, ``message``,
        ``hint``) whose paths point into the scenario, such as ``points-past-end`` for rows of a rate table or trace
        that the run never uses."""

    def to_dict(self) -> JsonObject:
        """The simulation as ``corrino simulate --format json`` writes it."""

    def csv(self) -> str:
        """The timeline as CSV text with a header row (what ``corrino simulate --csv`` writes); absent values are
        empty cells."""

    def svg(self) -> str:
        """The chart as SVG text: the load, the replicas and nodes, and the metric against the threshold (what
        ``corrino simulate --svg`` writes)."""

    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]
    def _repr_html_(self) -> str: ...

def validate(
    recipe: RecipeInput,
    /,
    *,
    scrape_interval_seconds: int | None = None,
    keda: KedaVersion | None = None,
    kubernetes: KubernetesVersion | None = None,
) -> Diagnostics:
    """Every problem of a recipe: reading, structure and rules, in a deterministic order.

    ``scrape_interval_seconds`` is how often Prometheus scrapes vLLM (default 15): query windows must hold a few
    scrapes. ``keda`` and ``kubernetes`` are the cluster's releases (default ``"2.17"``, as OCI AI Blueprints installs
    KEDA, and ``"1.34"``, the newest OKE offers): the recipe is checked for what that KEDA admits and passes to the
    HPA. ``OSError`` when a file cannot be read, ``TypeError`` for an argument that is not a recipe input or a release
    given as a number, ``ValueError`` for a release corrino does not know.
    """

def plan(
    recipe: RecipeInput,
    /,
    *,
    scrape_interval_seconds: int | None = None,
    keda: KedaVersion | None = None,
    kubernetes: KubernetesVersion | None = None,
) -> Plan:
    """The recipe resolved: capacity, autoscaling values with their sources, and every problem found, for the
    releases ``keda`` and ``kubernetes`` (as ``validate`` takes them).

    A recipe with errors still has a plan (see ``Plan.is_renderable``); ``RecipeError`` only when the input is not a
    recipe at all (unreadable, not an object).
    """

def render(
    recipe: RecipeInput,
    /,
    *,
    scrape_interval_seconds: int | None = None,
    **options: Unpack[RenderOptions],
) -> list[JsonObject]:
    """The Kubernetes objects of a recipe, in apply order, as dicts (the OCI documents come from ``render_oci``).

    The options are the keywords of ``RenderOptions`` (the fields of corrino-core's render options): the
    ``namespace`` of every object; the public host ``<name>.<base_domain>`` (without one the Ingress matches any
    host); the ``ingress_class``; a cert-manager ClusterIssuer for TLS (``tls_issuer``); the Prometheus server KEDA
    queries unless the recipe names one (``prometheus_address``); how Prometheus finds the pods (``scrape``);
    ``labels`` and ``annotations`` added to every object; ``file_systems``: ``{file system OCID: (mount target IP,
    export path)}``, which File Storage mounts need; the image of the init containers that copy Object Storage inputs
    (``object_storage_image``); for the OCI documents, the ``cluster_id``, ``compartment_id``, ``subnet_id``,
    ``node_pool_id`` (written as ``<placeholders>`` when not given), how the Cluster Autoscaler finds the pool
    (``discovery``) and its ``autoscaler_timing``; the cluster's ``keda`` and ``kubernetes`` releases, which the
    recipe is planned for (the ScaledObject holds only what that KEDA admits). A keyword given as ``None`` keeps its
    default; an unknown keyword
    is a ``TypeError``, a value of the wrong kind a ``ValueError``; values the API server or OCI would refuse make
    the ``RecipeError``'s diagnostics (code ``render-option``).

    ``RecipeError`` when the recipe has errors or cannot be rendered with these options (only ``service`` recipes
    render); its ``diagnostics`` say why. Warnings do not stop rendering: ``plan(recipe).diagnostics`` lists them.
    """

def render_oci(
    recipe: RecipeInput,
    /,
    *,
    scrape_interval_seconds: int | None = None,
    **options: Unpack[RenderOptions],
) -> dict[str, JsonObject]:
    """The OCI documents of a recipe by file name, as dicts: ``node-pool.json`` (for ``oci ce node-pool create
    --from-json``) when the recipe has its own pool, ``cluster-autoscaler-addon.json`` (for ``oci ce cluster
    install-addon --from-json``) when it scales nodes. Empty when it needs neither.

    Takes the options of ``render`` and raises as it does.
    """

def render_yaml(
    recipe: RecipeInput,
    /,
    *,
    scrape_interval_seconds: int | None = None,
    **options: Unpack[RenderOptions],
) -> str:
    """The Kubernetes objects of a recipe as one YAML stream, ready for ``kubectl apply -f -`` (the same bytes as
    ``corrino render``).

    Takes the options of ``render`` and raises as it does.
    """

def simulate(
    recipe: RecipeInput | list[JsonObject],
    /,
    scenario: ScenarioInput | None = None,
    *,
    scrape_interval_seconds: int | None = None,
    keda: KedaVersion | None = None,
    kubernetes: KubernetesVersion | None = None,
) -> Simulation:
    """The recipe's autoscaling simulated under a scenario: KEDA, the HPA, the Cluster Autoscaler, pods and vLLM
    replicas stepped together.

    The input may also be what is deployed: Kubernetes YAML (its text or a path) holding a KEDA ScaledObject or an
    ``autoscaling/v2`` HorizontalPodAutoscaler with the Deployment, StatefulSet or LeaderWorkerSet it scales (and the
    OCI node pool documents, if any), a ``kubectl get -o yaml`` dump, or a list of objects as dicts (as ``render``
    returns them); recipes and Kubernetes YAML are told apart by their content. A trigger whose value the simulator
    cannot compute needs a ``metric-trace`` load (a ``RecipeError`` with ``metric-trace-needed`` otherwise).

    ``scenario`` is a mapping or its JSON text, every key optional (``duration_seconds``, ``load``, ``seed``,
    ``serving``, ``autoscaler_timing``, …, as ``corrino simulate --scenario`` reads it); ``None`` or ``{}`` is the
    autoscaling guide's llmperf run (30 clients, 3000 requests) for an hour. ``scrape_interval_seconds`` is the plan
    option of ``plan``; the simulated Prometheus scrapes at the scenario's own ``scrape_interval_seconds``. ``keda``
    and ``kubernetes`` choose the releases whose KEDA and HPA are simulated (as ``validate`` takes them; the
    simulation's ``settings["target"]`` records them).

    ``RecipeError`` when the recipe has errors (its ``diagnostics`` say which); ``SimulationError`` when the scenario
    does not read (an unknown key, a wrong type) or is inconsistent, or the recipe has nothing to simulate (no pod
    autoscaling, no GPU capacity plan).
    """

def compare(
    first: RecipeInput | list[JsonObject],
    second: RecipeInput | list[JsonObject],
    /,
    scenario: ScenarioInput | None = None,
    *,
    names: tuple[str, str] | None = None,
    scrape_interval_seconds: int | None = None,
    keda: KedaVersion | None = None,
    kubernetes: KubernetesVersion | None = None,
) -> list[dict[str, Any]]:
    """Two inputs (each a recipe or Kubernetes YAML, as ``simulate`` takes them) simulated on the same scenario, figure
    by figure: a list of flat records (``figure``, ``label``, ``unit``, ``first``, ``second``, ``difference``; a
    value is ``None`` when it never happened), which ``pandas.DataFrame(...)`` takes as it is. The figures are those
    of ``corrino simulate A --compare B``: first scale-up, peak replicas and nodes, seconds over the latency bound,
    GPU-hours, flaps and more. ``names`` label the two (``("first", "second")`` by default); both run on the target's
    KEDA and HPA (``keda``, ``kubernetes``, as ``simulate`` takes them).

    ``RecipeError`` or ``SimulationError`` as ``simulate`` raises them, for whichever input cannot be simulated.
    """

def tune(
    recipe: RecipeInput,
    /,
    slo: str = "p95<5s",
    scenario: ScenarioInput | None = None,
    space: SearchSpace | Mapping[str, Any] | str | None = None,
    *,
    keda: KedaVersion | None = None,
    kubernetes: KubernetesVersion | None = None,
) -> TuneResult:
    """The recipe's autoscaling settings searched with the simulator for a latency objective (``"p95<5s"``,
    ``"p50<800ms"``), as ``corrino tune`` does: a dict with ``recipe`` (the recipe's own outcome), ``chosen`` and
    ``reason``, ``front`` (the Pareto front of GPU-hours, seconds over the objective and flaps, cheapest first) and
    ``records`` (the front as flat dicts: ``pandas.DataFrame(result["records"])``). ``space`` sets the values
    searched (``thresholds``, ``windows_seconds``, ``max_replicas``, ``samples``, ``seed``, …); ``keda`` and
    ``kubernetes`` the releases simulated (as ``simulate`` takes them).

    ``ValueError`` for an objective or space out of bounds; ``RecipeError`` when the recipe has errors;
    ``SimulationError`` when the scenario cannot run or the recipe has no pod autoscaling.
    """

def default_query(
    name: str, namespace: str = "default", window: str = "5m", scrape: ScrapeMode = "annotations"
) -> str:
    """The default scaling query of a deployment: the fraction of its requests slower than 5 s, selecting its series
    by the labels that the scrape mode produces.

    ``name`` is the deployment name as written in a recipe (it is canonicalised); ``window`` is a Prometheus
    duration, written back the way Prometheus prints it. ``ValueError`` when the name or the window is not usable.
    """

def shapes() -> list[JsonObject]:
    """Every shape of the built-in catalog, by name: GPUs, memory, OCPUs, architecture, MIG profiles, RDMA."""

def _diagnostics_html(diagnostics: list[Diagnostic]) -> str:
    """The HTML table of a list of diagnostics."""

def _read_recipe(recipe: RecipeInput, /) -> int:
    """Reads a recipe argument as every function does, and nothing more: the number of diagnostics of reading."""
