use super::*;
use crate::Plan;
use crate::diagnostic::Code;
use crate::document::read_stream;
use crate::sim::{self, EventKind, Load, MetricTrace, Scenario};

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/recipes");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_stem().expect("stem").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

/// The pod template holds what planning assessed the recipe's model from: read back, it gives the same model,
/// parallelism, fit and cold-start budget for every fixture service (the argument paths differ: they point into the
/// recipe on one side and the pod on the other).
#[test]
fn every_fixture_pod_is_assessed_as_planning_assessed_its_recipe() {
    let mut checked = 0;
    for (name, bytes) in fixtures() {
        let Some(Plan::Service(service)) = crate::plan_bytes(&bytes, &PlanOptions::default()).plan
        else {
            continue;
        };
        let (Some(planned), Some(_)) = (&service.model, &service.pod_autoscaling) else {
            continue;
        };
        if service.capacity.is_none() {
            continue;
        }
        let manifests =
            sim::render_for_simulation(&service, &Scenario::default()).expect("renders");
        let deployed = Deployed::from_manifests(&manifests, &PlanOptions::default())
            .unwrap_or_else(|d| panic!("{name}: {d}"));
        let read = deployed.target.model.as_ref().expect("a model");
        assert_eq!(read.startup, planned.startup, "{name}: startup");
        assert_eq!(read.spec, planned.spec, "{name}: spec");
        assert_eq!(read.parallelism, planned.parallelism, "{name}: parallelism");
        assert_eq!(read.memory, planned.memory, "{name}: memory");
        assert_eq!(read.weight_format, planned.weight_format, "{name}: format");
        assert_eq!(read.weights_bytes, planned.weights_bytes, "{name}: weights");
        assert_eq!(
            read.model.weights_source, planned.model.weights_source,
            "{name}: weights source"
        );
        assert_eq!(
            read.model.recognition, planned.model.recognition,
            "{name}: recognition"
        );
        let value =
            |a: &Option<crate::model::args::Arg<String>>| a.as_ref().map(|a| a.value.clone());
        assert_eq!(
            value(&read.args.dtype),
            value(&planned.args.dtype),
            "{name}"
        );
        assert_eq!(
            value(&read.args.kv_cache_dtype),
            value(&planned.args.kv_cache_dtype),
            "{name}"
        );
        assert_eq!(
            deployed.target.shape, service.workload.shape,
            "{name}: shape"
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
}

fn deployed(yaml: &str) -> Result<Deployed, Diagnostics> {
    let (documents, diagnostics) = read_stream(yaml.as_bytes());
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    let mut diagnostics = Diagnostics::new();
    let objects = read::objects(&documents.expect("documents"), &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    Deployed::from_objects(&objects, &PlanOptions::default())
}

fn codes(yaml: &str) -> Vec<(Code, String)> {
    deployed(yaml)
        .expect_err("refused")
        .iter()
        .map(|d| (d.code, d.path.clone()))
        .collect()
}

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: chat}
spec:
  selector: {matchLabels: {app: chat}}
  template:
    metadata: {labels: {app: chat}}
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: VM.GPU.A10.2}
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.9.1
        args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
        resources: {limits: {nvidia.com/gpu: "1"}}
"#;

fn scaled_object(target: &str) -> String {
    format!(
        r#"apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {{name: chat}}
spec:
  scaleTargetRef: {target}
  maxReplicaCount: 4
  triggers:
  - type: prometheus
    metadata: {{serverAddress: "http://p:9090", query: "sum(x)", threshold: "2"}}
"#
    )
}

#[test]
fn what_is_missing_is_reported_with_its_path() {
    assert_eq!(codes(DEPLOYMENT), vec![(Code::NoAutoscaler, String::new())]);
    let missing = format!("{}---\n{DEPLOYMENT}", scaled_object("{name: other}"));
    assert_eq!(
        codes(&missing),
        vec![(
            Code::ScaleTargetMissing,
            "/0/spec/scaleTargetRef/name".into()
        )]
    );
    let rollout = format!(
        "{}---\n{DEPLOYMENT}",
        scaled_object("{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: chat}")
    );
    assert_eq!(
        codes(&rollout),
        vec![(
            Code::UnsupportedTarget,
            "/0/spec/scaleTargetRef/kind".into()
        )]
    );
    let two = format!(
        "{}---\n{}---\n{DEPLOYMENT}",
        scaled_object("{name: chat}"),
        scaled_object("{name: chat}")
    );
    assert_eq!(codes(&two), vec![(Code::SeveralAutoscalers, "/1".into())]);
    let no_shape = format!(
        "{}---\n{}",
        scaled_object("{name: chat}"),
        DEPLOYMENT.replace(
            "nodeSelector: {node.kubernetes.io/instance-type: VM.GPU.A10.2}",
            "nodeSelector: {}"
        )
    );
    assert_eq!(
        codes(&no_shape),
        vec![(
            Code::MissingField,
            "/1/spec/template/spec/nodeSelector".into()
        )]
    );
    let two_triggers = format!("{}---\n{DEPLOYMENT}", scaled_object("{name: chat}")).replace(
        "  - type: prometheus",
        "  - {type: cpu, metadata: {value: \"50\"}}\n  - type: prometheus",
    );
    assert_eq!(
        codes(&two_triggers),
        vec![(Code::UnsupportedAutoscaling, "/0/spec/triggers".into())]
    );
}

#[test]
fn a_scaled_object_is_read_with_keda_defaults_and_the_written_settings() {
    let yaml = format!("{}---\n{DEPLOYMENT}", scaled_object("{name: chat}")).replace(
        "  maxReplicaCount: 4",
        "  maxReplicaCount: 4\n  idleReplicaCount: 0\n  fallback: {failureThreshold: 3, replicas: 2}\n  advanced:\n    horizontalPodAutoscalerConfig:\n      behavior:\n        scaleDown: {stabilizationWindowSeconds: 60, policies: [{type: Percent, value: 50, periodSeconds: 30}]}",
    );
    let deployed = deployed(&yaml).expect("reads");
    let Autoscaler::Keda(keda) = &deployed.autoscaler else {
        panic!("KEDA")
    };
    assert_eq!(keda.spec.min_replicas(), 0);
    assert_eq!(keda.spec.polling_interval_seconds(), 30);
    assert_eq!(keda.spec.idle_replica_count, Some(0));
    assert_eq!(keda.spec.fallback.map(|f| f.replicas), Some(2));
    assert_eq!(keda.trigger.metric_type, keda::MetricType::AverageValue);
    assert_eq!(
        keda.trigger.query,
        Some(TriggerQuery::Custom("sum(x)".into()))
    );
    let down = keda
        .behavior
        .as_ref()
        .and_then(|b| b.scale_down.clone())
        .expect("scale-down rules");
    assert_eq!(down.stabilization_window_seconds, Some(60));
    assert_eq!(down.policies[0].policy_type, PolicyType::Percent);
    assert_eq!(deployed.target.group_size, 1);
    assert_eq!(deployed.target.unit, Unit::Gpus { per_replica: 1 });
    assert!(
        deployed
            .target
            .model
            .as_ref()
            .is_some_and(|m| m.spec.is_some())
    );
}

const HPA: &str = r#"apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: chat}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: chat}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Pods
    pods:
      metric: {name: vllm_num_requests_waiting}
      target: {type: AverageValue, averageValue: "4"}
"#;

/// A plain HPA scales on its own: no KEDA loop, the metric replayed as the metrics API would serve it.
#[test]
fn a_plain_hpa_replays_its_metric() {
    let yaml = format!("{HPA}---\n{DEPLOYMENT}");
    let deployed = deployed(&yaml).expect("reads");
    let Autoscaler::Hpa(hpa) = &deployed.autoscaler else {
        panic!("an HPA")
    };
    assert_eq!(hpa.metric.target, hpa::MetricTarget::Value { milli: 4000 });
    assert_eq!(hpa.metric.describe, "Pods vllm_num_requests_waiting");
    let without_trace = sim::simulate_deployed(&deployed, &Scenario::default());
    assert!(
        matches!(&without_trace, Err(sim::SimError::MetricTraceNeeded { at, .. }) if at == "/0/spec/metrics/0"),
        "{without_trace:?}"
    );
    let scenario = Scenario {
        duration_seconds: 1200,
        load: Load::MetricTrace {
            trace: MetricTrace::parse_csv("0,2\n120,12\n").expect("trace"),
        },
        ..Scenario::default()
    };
    let simulation = sim::simulate_deployed(&deployed, &scenario).expect("simulates");
    assert_eq!(simulation.settings.autoscaler, "hpa");
    assert!(simulation.samples.iter().all(|s| !s.keda_active));
    // 12 waiting per ready pod against 4: three replicas, the HPA's maximum.
    assert_eq!(simulation.summary.peak_spec_replicas, 3);
    assert!(simulation.events.iter().all(|e| !matches!(
        e.kind,
        EventKind::ReplicasChanged {
            by: sim::Controller::Keda,
            ..
        }
    )));
}

const LWS: &str = r#"apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: big}
spec:
  startupPolicy: LeaderCreated
  leaderWorkerTemplate:
    size: 2
    restartPolicy: RecreateGroupOnPodRestart
    leaderTemplate:
      spec:
        nodeSelector: {node.kubernetes.io/instance-type: BM.GPU.H100.8, corrino.oci/pool: big}
        containers:
        - name: vllm
          image: vllm/vllm-openai:v0.9.1
          command: [/bin/sh, -c]
          args: ["ray start --head && exec python3 -m vllm.entrypoints.openai.api_server --model meta-llama/Llama-3.1-405B-Instruct-FP8 --tensor-parallel-size 8 --pipeline-parallel-size 2"]
          resources: {limits: {nvidia.com/gpu: "8"}}
    workerTemplate:
      spec:
        nodeSelector: {node.kubernetes.io/instance-type: BM.GPU.H100.8, corrino.oci/pool: big}
        containers:
        - name: vllm
          image: vllm/vllm-openai:v0.9.1
          resources: {limits: {nvidia.com/gpu: "8"}}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: big}
spec:
  scaleTargetRef: {apiVersion: leaderworkerset.x-k8s.io/v1, kind: LeaderWorkerSet, name: big}
  minReplicaCount: 1
  maxReplicaCount: 2
  pollingInterval: 15
  triggers:
  - type: prometheus
    metricType: Value
    metadata: {serverAddress: "http://p:9090", query: "sum(x)", threshold: "0.5"}
---
{"compartmentId": "c", "clusterId": "k", "name": "corrino-big", "nodeShape": "BM.GPU.H100.8",
 "nodeSourceDetails": {"sourceType": "IMAGE", "imageId": "i"},
 "nodeConfigDetails": {"size": 2, "placementConfigs": [], "freeformTags": {}},
 "initialNodeLabels": [{"key": "corrino.oci/pool", "value": "big"}], "nodeMetadata": {}, "freeformTags": {"corrino-recipe": "big"}}
---
{"addonName": "ClusterAutoscaler", "configurations": [{"key": "nodes", "value": "2:4:ocid1.nodepool.oc1..x"}, {"key": "scanInterval", "value": "20s"}]}
"#;

/// A LeaderWorkerSet's replica is a group of whole nodes: a second group makes the Cluster Autoscaler ask for two
/// nodes at once, and the group serves once both its pods are Ready.
#[test]
fn a_multinode_group_takes_whole_nodes_and_serves_with_its_slowest_pod() {
    let deployed = deployed(LWS).expect("reads");
    assert_eq!(deployed.target.group_size, 2);
    let pool = deployed.pool.as_ref().expect("a pool");
    let bounds = pool.autoscaled.as_ref().expect("autoscaled");
    assert_eq!((bounds.min, bounds.max), (2, 4));
    assert_eq!(pool.timing.map(|t| t.scan_interval_seconds), Some(20));
    assert_eq!(
        pool.timing.map(|t| t.max_node_provision_time_seconds),
        Some(900)
    );
    let model = deployed.target.model.as_ref().expect("a model");
    assert_eq!(
        (model.parallelism.tensor, model.parallelism.pipeline),
        (8, 2)
    );
    assert_eq!(model.parallelism.nodes, 2);
    let scenario = Scenario {
        duration_seconds: 7200,
        load: Load::MetricTrace {
            trace: MetricTrace::parse_csv("0,1\n").expect("trace"),
        },
        ..Scenario::default()
    };
    let simulation = sim::simulate_deployed(&deployed, &scenario).expect("simulates");
    assert_eq!(simulation.settings.pods_per_replica, 2);
    let requested: Vec<&Vec<u32>> = simulation
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::NodesRequested { nodes } => Some(nodes),
            _ => None,
        })
        .collect();
    assert_eq!(
        requested,
        vec![&vec![2, 3]],
        "two nodes for the second group"
    );
    let ready: Vec<i64> = simulation
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::PodReady { .. }))
        .map(|e| e.t)
        .collect();
    let nodes_ready = simulation
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::NodeReady { .. }))
        .map(|e| e.t)
        .max()
        .expect("nodes ready");
    let timing = &simulation.settings.pod_timing;
    assert_eq!(
        ready,
        vec![nodes_ready + timing.image_pull_seconds + timing.startup_seconds],
        "one group event, when its last pod is Ready"
    );
    assert_eq!(simulation.summary.peak_nodes, 4);
    assert_eq!(simulation.summary.peak_ready_replicas, 2);
}

#[test]
fn inputs_are_told_apart() {
    fn read(text: &str) -> Vec<crate::document::Node<'_>> {
        read_stream(text.as_bytes()).0.expect("reads")
    }
    assert_eq!(
        detect(&read(r#"{"recipe_mode": "service"}"#)).0,
        InputKind::Recipe
    );
    assert_eq!(detect(&read(DEPLOYMENT)).0, InputKind::Kubernetes);
    assert_eq!(detect(&read(LWS)).0, InputKind::Kubernetes);
    let (kind, note) = detect(&read("apiVersion: v1\nkind: List\nrecipe_mode: service\n"));
    assert_eq!(kind, InputKind::Kubernetes);
    assert_eq!(note.map(|n| n.code), Some(Code::InputKind));
    let (kind, note) = detect(&read("kind: 3\nrecipe_mode: service\n"));
    assert_eq!((kind, note.is_some()), (InputKind::Recipe, true));
}

/// Sizes the input controls are bounded as a recipe's are, with the path into the input.
#[test]
fn sizes_beyond_the_simulator_are_refused_with_their_path() {
    let huge_group = deployed(&LWS.replace("size: 2\n", "size: 5000\n")).expect("reads");
    let error = sim::simulate_deployed(&huge_group, &Scenario::default()).expect_err("too large");
    assert!(
        matches!(&error, sim::SimError::PlanTooLarge { field, value: 5000, .. } if field == "/0/spec/leaderWorkerTemplate/size"),
        "{error}"
    );
    let many =
        deployed(&LWS.replace("maxReplicaCount: 2", "maxReplicaCount: 1001")).expect("reads");
    let error = sim::simulate_deployed(&many, &Scenario::default()).expect_err("too large");
    assert!(
        matches!(&error, sim::SimError::PlanTooLarge { field, value: 1001, .. } if field == "/1/spec/maxReplicaCount"),
        "{error}"
    );
    let day_of_groups =
        deployed(&LWS.replace("maxReplicaCount: 2", "maxReplicaCount: 1000")).expect("reads");
    let day = Scenario {
        duration_seconds: 86_400,
        ..Scenario::default()
    };
    assert!(matches!(
        sim::simulate_deployed(&day_of_groups, &day),
        Err(sim::SimError::TooMuchWork { replicas: 2000, .. })
    ));
}
