"""The render options as typed dictionaries: the keywords of ``render``, ``render_oci`` and ``render_yaml``, and the
target (``keda``, ``kubernetes``) that every function takes.

Generated from fixtures/api.schema.json (corrino-core's ``RenderOptions``) by tools/api_types.py: do not edit.
"""

from collections.abc import Mapping
from typing import Literal, Optional, Tuple, TypedDict, Union

__all__ = [
    "AutoscalerTiming",
    "Discovery",
    "FileSystemExport",
    "KedaVersion",
    "KubernetesVersion",
    "RenderOptions",
    "ScrapeMode",
    "Target",
]


#: How Prometheus finds vLLM's `/metrics`, which also decides the labels the default query selects by.
ScrapeMode = Literal["annotations", "pod-monitor", "service-monitor", "none"]


#: How the Cluster Autoscaler add-on is told which pools to manage.
Discovery = Literal["nodes", "auto-discovery"]


class FileSystemExportFields(TypedDict, total=True):
    #: The export path, such as `/models`.
    export_path: str
    #: The mount target's private IP address.
    mount_target_ip: str


#: Where a File Storage file system is exported: its mount target's IP address and the export path, as an object, as
#: the text `<ip>:<path>` (an IPv6 address in brackets), or as an `[ip, path]` pair.
FileSystemExport = Union[FileSystemExportFields, str, Tuple[str, str]]


class AutoscalerTiming(TypedDict, total=False):
    """The Cluster Autoscaler's timing keys, as the OKE add-on names them (values are Go durations)."""

    #: How long a new node may take to register before the scale-up counts as failed. GPU bare-metal nodes are slow to
    #: boot, so the default is Oracle's GPU example (25m) rather than the add-on's 15m. Default: ``"25m"``.
    maxNodeProvisionTime: str
    #: How long after a scale-up no node is removed. Default: ``"10m"``.
    scaleDownDelayAfterAdd: str
    #: How long a node must be unneeded before it is removed. Default: ``"10m"``.
    scaleDownUnneededTime: str
    #: How often the autoscaler looks at pending pods and unneeded nodes. Default: ``"10s"``.
    scanInterval: str


#: A KEDA release, 2.17.0 to 2.20.2, as text (`v` in front is also read).
KedaVersion = Literal[
    "2.17.0",
    "2.17.1",
    "2.17.2",
    "2.17.3",
    "2.18.0",
    "2.18.1",
    "2.18.2",
    "2.18.3",
    "2.19.0",
    "2.20.0",
    "2.20.1",
    "2.20.2",
    "2.17",
    "2.18",
    "2.19",
    "2.20",
]


#: A Kubernetes minor release, 1.33 to 1.37, as text (a patch level, `1.34.2`, and `v` in front are also read).
KubernetesVersion = Literal["1.33", "1.34", "1.35", "1.36", "1.37"]


class Target(TypedDict, total=False):
    """The releases a recipe is planned, rendered and simulated for. Every field has a default (what OCI AI Blueprints
    runs); an unknown field is refused."""

    #: The KEDA release that admits and runs the ScaledObject (2.17.0, as OCI AI Blueprints installs it). Default:
    #: ``"2.17.0"``.
    keda: KedaVersion
    #: The Kubernetes minor release of the cluster, whose API server and HPA controller act on what KEDA writes (1.34,
    #: the newest OKE offers). Default: ``"1.34"``.
    kubernetes: KubernetesVersion


class RenderOptions(TypedDict, total=False):
    """How a plan is rendered. Every field has a default, so callers name only what they change; an unknown field is an
    error rather than silently ignored. The same struct is read from the CLI's flags, Python's keyword arguments and
    JavaScript's options object."""

    #: Annotations added to every object.
    annotations: Mapping[str, str]
    #: The Cluster Autoscaler add-on's timing keys. Default: ``{"maxNodeProvisionTime": "25m",
    #: "scaleDownDelayAfterAdd": "10m", "scaleDownUnneededTime": "10m", "scanInterval": "10s"}``.
    autoscaler_timing: AutoscalerTiming
    #: The base domain of the public host `<name>.<base domain>`; without one the Ingress matches any host.
    base_domain: Optional[str]
    #: The OKE cluster; a placeholder when absent.
    cluster_id: Optional[str]
    #: The compartment of the node pool (the recipe's `recipe_compartment_ocid` wins); a placeholder when absent.
    compartment_id: Optional[str]
    #: How the Cluster Autoscaler finds the pool. Default: ``"nodes"``.
    discovery: Discovery
    #: Where each File Storage file system is exported, by file system OCID: `{mount_target_ip, export_path}` or the
    #: text `<mount target IP>:<export path>`.
    file_systems: Mapping[str, FileSystemExport]
    #: The ingress class (upstream: `nginx`). Default: ``"nginx"``.
    ingress_class: Optional[str]
    #: How often a job's failed pod is retried before the Job fails (`backoffLimit`, at most `MAX_JOB_BACKOFF_LIMIT`).
    #: Default: ``2``.
    job_backoff_limit: int
    #: How long a finished Job is kept before Kubernetes deletes it (`ttlSecondsAfterFinished`, at most
    #: `MAX_JOB_TTL_SECONDS`); `None` keeps it, and its logs, until `corrino delete`.
    job_ttl_seconds_after_finished: Optional[int]
    #: The cluster's KEDA release (2.17.0, as OCI AI Blueprints installs it): the recipe is planned for it, and the
    #: ScaledObject holds only what it admits. With `kubernetes`, the target, written flat so that every face names it
    #: `keda`. Default: ``"2.17.0"``.
    keda: KedaVersion
    #: The cluster's Kubernetes minor release (1.34, the newest OKE offers). Default: ``"1.34"``.
    kubernetes: KubernetesVersion
    #: Labels added to every object (the labels corrino sets itself are not replaced).
    labels: Mapping[str, str]
    #: The namespace of every namespaced object. Default: ``"default"``.
    namespace: str
    #: The node pool's OCID, known once it exists (for the autoscaler's `nodes` key); a placeholder when absent.
    node_pool_id: Optional[str]
    #: The image of the init containers that copy Object Storage inputs (it needs `oci` and `python3`). Default:
    #: ``"ghcr.io/oracle/oci-cli:20250701"``.
    object_storage_image: str
    #: The Prometheus server KEDA queries, unless the recipe names one. Default:
    #: ``"http://prometheus-server.cluster-tools.svc.cluster.local"``.
    prometheus_address: str
    #: How Prometheus finds the pods. Default: ``"annotations"``.
    scrape: ScrapeMode
    #: The StorageClass of a job's output volumes (OKE's block volumes: `oci-bv`; OCI gives at least 50 GB). Default:
    #: ``"oci-bv"``.
    storage_class: str
    #: The worker subnet; a placeholder when absent.
    subnet_id: Optional[str]
    #: A cert-manager ClusterIssuer for the Ingress' TLS certificate (upstream: `letsencrypt-prod`).
    tls_issuer: Optional[str]
