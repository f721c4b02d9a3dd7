"""A pydantic v2 model of the whole recipe format: the yardstick of `bench_validate.py`.

Every field of upstream's JSON Schema (`blueprint_json_schema.json`, `$defs/recipe_payload` and `deployment_group`)
and of corrino's own (`fixtures/recipe.schema.json`, which adds the fields upstream's samples use and the numeric
bounds), with its type; upstream's required keys; unknown keys refused (`extra="forbid"`); strict types, as JSON
Schema's are (no `"8"` for 8, no `True` for 1); the bounds (`uint32` fields 0 to 4294967295, ports 1 to 65535, a
port written as digits); upstream's `oneOf`s (a bucket is named by `par` or `bucket_name`, not both; a payload is a
recipe or a deployment group) and unique `exports`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, model_validator

U32 = Annotated[int, Field(ge=0, le=2**32 - 1)]
U64 = Annotated[int, Field(ge=0, le=2**64 - 1)]
I64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
Port = Annotated[int, Field(ge=1, le=65535)]
PortText = Union[Annotated[str, Field(pattern=r"^[0-9]+$")], Port]
Timespan = Union[str, U64]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Probe(Strict):
    failure_threshold: Optional[U32] = None
    endpoint_path: Optional[str] = None
    port: Optional[U32] = None
    scheme: Optional[Literal["HTTP", "HTTPS"]] = None
    initial_delay_seconds: Optional[U32] = None
    period_seconds: Optional[U32] = None
    success_threshold: Optional[U32] = None
    timeout_seconds: Optional[U32] = None


class PodAutoscaling(Strict):
    min_replicas: Optional[U32] = None
    max_replicas: Optional[U32] = None
    scaling_metric: Optional[str] = None
    collect_metrics_timespan: Optional[Timespan] = None
    scaling_threshold: Optional[float] = None
    scaling_cooldown: Optional[U32] = None
    polling_interval: Optional[U32] = None
    stabilization_window_down: Optional[U32] = None
    scaling_period_down: Optional[U32] = None
    stabilization_window_up: Optional[U32] = None
    scaling_period_up: Optional[U32] = None
    query: Optional[str] = None
    scaler_type: Optional[Literal["prometheus"]] = None
    server_address: Optional[str] = None


class NodeAutoscaling(Strict):
    min_nodes: Optional[U32] = None
    max_nodes: Optional[U32] = None
    # Upstream's own autoscaling document puts the advanced pod parameters here; corrino's schema accepts them.
    collect_metrics_timespan: Optional[Timespan] = None
    polling_interval: Optional[U32] = None
    query: Optional[str] = None
    scaling_cooldown: Optional[U32] = None
    scaling_period_down: Optional[U32] = None
    scaling_period_up: Optional[U32] = None
    scaling_threshold: Optional[float] = None
    stabilization_window_down: Optional[U32] = None
    stabilization_window_up: Optional[U32] = None


class EnvironmentSecret(Strict):
    envvar_name: str
    secret_name: str
    secret_key: str


class InferenceGateway(Strict):
    model_name: str
    url_path: Optional[str] = None
    api_key: Optional[str] = None


class EnvVar(Strict):
    key: str
    value: Union[str, int]


class IngressPort(Strict):
    name: str
    port: U32
    path: str


class ObjectStorageInput(Strict):
    par: Optional[str] = None
    bucket_name: Optional[str] = None
    mount_location: str
    volume_size_in_gbs: U32
    include: Optional[list[str]] = None
    exclude: Optional[list[str]] = None

    @model_validator(mode="after")
    def one_source(self) -> ObjectStorageInput:
        if (self.par is None) == (self.bucket_name is None):
            raise ValueError("exactly one of `par` and `bucket_name`")
        return self


class FileSystemMount(Strict):
    file_system_ocid: str
    mount_target_ocid: str
    mount_location: str
    volume_size_in_gbs: U32


class LocalFilesystemMount(Strict):
    node_directory_path: str
    mount_location: str


class ObjectStorageOutput(Strict):
    bucket_name: str
    mount_location: str
    volume_size_in_gbs: U32


class ServiceEndpoint(Strict):
    domain: Optional[str] = None
    dedicated_load_balancer: Optional[bool] = None


class KeyValue(Strict):
    key: str
    value: str


class TeamInfo(Strict):
    team_name: Optional[str] = None


class TeamQuota(Strict):
    shape_name: str
    cpu_nominal_quota: Optional[str] = None
    cpu_borrowing_limit: Optional[str] = None
    cpu_lending_limit: Optional[str] = None
    mem_nominal_quota: Optional[str] = None
    mem_borrowing_limit: Optional[str] = None
    mem_lending_limit: Optional[str] = None
    gpu_nominal_quota: Optional[str] = None
    gpu_borrowing_limit: Optional[str] = None
    gpu_lending_limit: Optional[str] = None


class Team(Strict):
    team_name: str
    priority_threshold: I64
    quotas: list[TeamQuota]


class Recipe(Strict):
    """`$defs/recipe_payload`: one deployment."""

    pre_filled_sample_name: Optional[str] = None
    recipe_id: Optional[str] = None
    recipe_compartment_ocid: Optional[str] = None
    deployment_name: str
    recipe_mode: Literal["service", "job", "update", "shared_node_pool", "team"]
    recipe_replica_count: Optional[U32] = None
    recipe_node_shape: Optional[str] = None
    recipe_max_pods_per_node: Optional[U32] = None
    recipe_availability_domain: Optional[str] = None
    recipe_public_ssh_key: Optional[str] = None
    recipe_worker_subnet_nsg_ocid: Optional[str] = None
    recipe_pod_subnet_ocid: Optional[str] = None
    recipe_pod_subnet_nsg_ocid: Optional[str] = None
    recipe_node_pool_size: Optional[U32] = None
    recipe_use_shared_node_pool: Optional[bool] = None
    recipe_shared_node_pool_selector: Optional[str] = None
    recipe_prometheus_enabled: Optional[bool] = None
    recipe_node_boot_volume_size_in_gbs: Optional[U32] = None
    recipe_node_selector_arch: Optional[str] = None
    recipe_node_image_ocid: Optional[str] = None
    recipe_flex_shape_ocpu_count: Optional[U32] = None
    recipe_flex_shape_memory_size_in_gbs: Optional[U32] = None
    recipe_image_uri: Optional[str] = None
    recipe_container_secret_name: Optional[str] = None
    recipe_environment_secrets: Optional[list[EnvironmentSecret]] = None
    recipe_inference_gateway: Optional[InferenceGateway] = None
    recipe_container_command: Optional[list[str]] = None
    recipe_container_command_args: Optional[list[str]] = None
    recipe_container_env: Optional[list[EnvVar]] = None
    recipe_additional_ingress_ports: Optional[list[IngressPort]] = None
    recipe_node_autoscaling_params: Optional[NodeAutoscaling] = None
    recipe_pod_autoscaling_params: Optional[PodAutoscaling] = None
    recipe_liveness_probe_params: Optional[Probe] = None
    recipe_startup_probe_params: Optional[Probe] = None
    recipe_readiness_probe_params: Optional[Probe] = None
    recipe_container_port: Optional[PortText] = None
    recipe_host_port: Optional[PortText] = None
    recipe_container_command_use_shell: Optional[bool] = None
    recipe_nvidia_gpu_count: Optional[U32] = None
    recipe_amd_gpu_count: Optional[U32] = None
    recipe_shared_memory_volume_size_limit_in_mb: Optional[U32] = None
    recipe_ephemeral_storage_size: Optional[U32] = None
    recipe_container_memory_size: Optional[U32] = None
    recipe_container_cpu_count: Optional[U32] = None
    input_object_storage: Optional[list[ObjectStorageInput]] = None
    input_file_system: Optional[list[FileSystemMount]] = None
    local_filesystem: Optional[list[LocalFilesystemMount]] = None
    output_object_storage: Optional[list[ObjectStorageOutput]] = None
    service_endpoint_domain: Optional[str] = None
    service_endpoint: Optional[ServiceEndpoint] = None
    shared_node_pool_selector: Optional[str] = None
    shared_node_pool_size: Optional[U32] = None
    shared_node_pool_shape: Optional[str] = None
    shared_node_pool_boot_volume_size_in_gbs: Optional[U32] = None
    shared_node_pool_flex_shape_memory_size_in_gbs: Optional[U32] = None
    shared_node_pool_flex_shape_ocpu_count: Optional[U32] = None
    shared_node_pool_mig_config: Optional[str] = None
    shared_node_pool_custom_node_selectors: Optional[list[KeyValue]] = None
    mig_resource_request: Optional[str] = None
    recipe_node_name: Optional[str] = None
    recipe_node_labels: Optional[dict[str, str]] = None
    multinode_num_nodes_to_use_from_shared_pool: Optional[U32] = None
    multinode_rdma_enabled_in_shared_pool: Optional[bool] = None
    recipe_node_pool_name: Optional[str] = None
    recipe_team_info: Optional[TeamInfo] = None
    team: Optional[Team] = None
    skip_capacity_validation: Optional[bool] = None
    skip_quota_validation: Optional[bool] = None


def _unique(items: list[str]) -> list[str]:
    if len(set(items)) != len(items):
        raise ValueError("exports repeat a value")
    return items


class GroupMember(Strict):
    name: str
    recipe: Recipe
    depends_on: Optional[list[str]] = None
    exports: Optional[Annotated[list[Literal["service_url", "internal_dns_name"]], AfterValidator(_unique)]] = None


class DeploymentGroup(Strict):
    name: str
    deployments: list[GroupMember]


class GroupPayload(Strict):
    """A deployment group payload: `deployment_group` alone."""

    deployment_group: DeploymentGroup


def _payload_kind(value: Any) -> str:
    return "group" if isinstance(value, dict) and "deployment_group" in value else "recipe"


#: The body of `POST /deployment`: a recipe, or a deployment group.
Payload: TypeAdapter[Union[Recipe, GroupPayload]] = TypeAdapter(
    Annotated[
        Union[Annotated[Recipe, Tag("recipe")], Annotated[GroupPayload, Tag("group")]],
        Discriminator(_payload_kind),
    ]
)
