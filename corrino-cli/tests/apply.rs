//! `corrino apply` and `corrino delete` against a local test server on 127.0.0.1 that speaks just enough of the
//! Kubernetes API (discovery, server-side-apply PATCH, GET, DELETE) to check the requests the executor really sends
//! and how it behaves on each failure. It is a test double, not a cluster: no real cluster is reachable here.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

mod common;
use std::sync::{Arc, Mutex};

/// One request the server received.
#[derive(Clone, Debug)]
struct Received {
    method: String,
    target: String,
    content_type: String,
    body: String,
}

/// How the server answers.
#[derive(Clone, Default)]
struct Behaviour {
    /// Serve no `keda.sh/v1alpha1` group (KEDA not installed).
    without_keda: bool,
    /// Answer PATCHes whose path contains this with 409 Conflict.
    conflict_on: Option<&'static str>,
    /// Answer PATCHes whose path contains this with 500.
    error_on: Option<&'static str>,
    /// Answer DELETEs with 404 for paths containing this.
    missing_on_delete: Option<&'static str>,
    /// Report the Deployment as available on GET.
    deployment_available: bool,
}

struct Server {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

fn status(code: u16, reason: &str, message: &str) -> String {
    serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "status": "Failure",
        "code": code, "reason": reason, "message": message,
    })
    .to_string()
}

/// The nodes the server knows: two of the pool `h100rdmapool` and one other.
fn nodes(selector: &str) -> String {
    let all = [
        ("10.0.10.5", "h100rdmapool"),
        ("10.0.10.6", "h100rdmapool"),
        ("10.0.10.7", "a10pool"),
    ];
    let wanted = selector.replace("%3D", "=");
    let items: Vec<serde_json::Value> = all
        .iter()
        .filter(|(_, pool)| wanted == format!("corrino.oci/recipe={pool}"))
        .map(|(name, pool)| {
            serde_json::json!({"metadata": {"name": name, "labels": {"corrino.oci/recipe": pool}}})
        })
        .collect();
    serde_json::json!({"kind": "NodeList", "apiVersion": "v1", "metadata": {}, "items": items})
        .to_string()
}

/// The kinds a discovered group version serves.
fn served(group_version: &str, kinds: &[&str]) -> String {
    let resources: Vec<serde_json::Value> = kinds
        .iter()
        .map(|k| {
            serde_json::json!({"name": format!("{}s", k.to_ascii_lowercase()), "singularName": k.to_ascii_lowercase(),
                               "namespaced": true, "kind": k, "verbs": ["get", "list", "patch", "delete"]})
        })
        .collect();
    serde_json::json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
                       "resources": resources})
    .to_string()
}

fn answer(request: &Received, behaviour: &Behaviour) -> (u16, String) {
    let path = request.target.split('?').next().unwrap_or_default();
    match request.method.as_str() {
        "GET" if path == "/api/v1/nodes" => {
            let selector = request
                .target
                .split_once("labelSelector=")
                .map_or("", |(_, s)| s);
            (200, nodes(selector))
        }
        "GET" if path == "/apis/leaderworkerset.x-k8s.io/v1" => (
            200,
            served("leaderworkerset.x-k8s.io/v1", &["LeaderWorkerSet"]),
        ),
        "GET" if path == "/apis/kueue.x-k8s.io/v1beta2" => (
            200,
            served(
                "kueue.x-k8s.io/v1beta2",
                &[
                    "ResourceFlavor",
                    "Cohort",
                    "WorkloadPriorityClass",
                    "ClusterQueue",
                    "LocalQueue",
                ],
            ),
        ),
        "GET" if path == "/apis/keda.sh/v1alpha1" => {
            if behaviour.without_keda {
                (
                    404,
                    status(
                        404,
                        "NotFound",
                        "the server could not find the requested resource",
                    ),
                )
            } else {
                let list = serde_json::json!({
                    "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "keda.sh/v1alpha1",
                    "resources": [{"name": "scaledobjects", "singularName": "scaledobject", "namespaced": true,
                                   "kind": "ScaledObject", "verbs": ["get", "list", "patch", "delete"]}],
                });
                (200, list.to_string())
            }
        }
        "GET" if path.contains("/deployments/") => {
            let available = if behaviour.deployment_available {
                "True"
            } else {
                "False"
            };
            let deployment = serde_json::json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "autoscalevllmexample", "namespace": "default", "generation": 2},
                "spec": {"replicas": 1, "selector": {"matchLabels": {"a": "b"}}, "template": {}},
                "status": {"observedGeneration": 2, "replicas": 1, "updatedReplicas": 1,
                           "readyReplicas": if behaviour.deployment_available { 1 } else { 0 },
                           "conditions": [{"type": "Available", "status": available}]},
            });
            (200, deployment.to_string())
        }
        "PATCH" if behaviour.conflict_on.is_some_and(|c| path.contains(c)) => (
            409,
            status(
                409,
                "Conflict",
                "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.ports",
            ),
        ),
        "PATCH" if behaviour.error_on.is_some_and(|c| path.contains(c)) => (
            500,
            status(500, "InternalError", "etcdserver: request timed out"),
        ),
        // Server-side apply answers with the object; echoing the body is enough for the client.
        "PATCH" => (200, request.body.clone()),
        "DELETE"
            if behaviour
                .missing_on_delete
                .is_some_and(|c| path.contains(c)) =>
        {
            (404, status(404, "NotFound", "not found"))
        }
        "DELETE" => (
            200,
            serde_json::json!({"kind": "Status", "apiVersion": "v1", "status": "Success"})
                .to_string(),
        ),
        _ => (
            404,
            status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ),
        ),
    }
}

/// Reads one HTTP/1.1 request; `None` at the end of the connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Received> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut length = 0;
    let mut content_type = String::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "content-type" => content_type = value.trim().to_owned(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Received {
        method,
        target,
        content_type,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn serve(behaviour: Behaviour) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&received);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let log = Arc::clone(&log);
            let behaviour = behaviour.clone();
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().expect("clone stream");
                let mut reader = BufReader::new(stream);
                while let Some(request) = read_request(&mut reader) {
                    let (code, body) = answer(&request, &behaviour);
                    log.lock().expect("log").push(request);
                    let response = format!(
                        "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if writer.write_all(response.as_bytes()).is_err() {
                        break;
                    }
                }
            });
        }
    });
    Server { url, received }
}

/// Runs corrino with a kubeconfig that points at `server`.
fn corrino(server: &Server, args: &[&str]) -> (i32, String, String) {
    let dir = std::env::temp_dir().join(format!(
        "corrino-apply-{}-{}",
        std::process::id(),
        server.url.rsplit(':').next().unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: {}\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: test\n    namespace: default\ncurrent-context: test\nusers:\n- name: test\n  user:\n    token: test-token\n",
            server.url
        ),
    )
    .expect("kubeconfig");
    let result = common::run(args, &[("KUBECONFIG", kubeconfig.as_path())]);
    std::fs::remove_dir_all(&dir).ok();
    result
}

fn requests(server: &Server) -> Vec<Received> {
    server.received.lock().expect("log").clone()
}

const EXAMPLE: &str = "fixtures/recipes/autoscaling-example.json";

#[test]
fn applies_every_object_in_order_with_server_side_apply() {
    let server = serve(Behaviour::default());
    let (code, stdout, stderr) = corrino(&server, &["apply", EXAMPLE]);
    assert_eq!(code, 0, "{stderr}");
    let sent = requests(&server);
    let lines: Vec<String> = sent
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    assert_eq!(
        lines,
        [
            "GET /apis/keda.sh/v1alpha1",
            "PATCH /apis/apps/v1/namespaces/default/deployments/autoscalevllmexample?&force=true&fieldManager=corrino",
            "PATCH /api/v1/namespaces/default/services/recipe-autoscalevllmexample?&force=true&fieldManager=corrino",
            "PATCH /apis/networking.k8s.io/v1/namespaces/default/ingresses/autoscalevllmexample?&force=true&fieldManager=corrino",
            "PATCH /apis/keda.sh/v1alpha1/namespaces/default/scaledobjects/autoscalevllmexample?&force=true&fieldManager=corrino",
        ]
        .map(|l| l.replace("?&", "?"))
    );
    for patch in sent.iter().filter(|r| r.method == "PATCH") {
        assert_eq!(patch.content_type, "application/apply-patch+yaml");
        let body: serde_json::Value = serde_json::from_str(&patch.body).expect("JSON body");
        assert!(
            patch
                .target
                .contains(&body["metadata"]["name"].as_str().expect("name").to_owned())
        );
    }
    assert_eq!(
        stdout.lines().filter(|l| l.ends_with(": applied")).count(),
        4,
        "{stdout}"
    );
}

#[test]
fn a_cluster_without_keda_gets_a_clear_message_and_nothing_is_written() {
    let server = serve(Behaviour {
        without_keda: true,
        ..Behaviour::default()
    });
    let (code, _, stderr) = corrino(&server, &["apply", EXAMPLE]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "KEDA is not installed in this cluster: ScaledObject (keda.sh/v1alpha1) is unknown"
        ),
        "{stderr}"
    );
    assert!(requests(&server).iter().all(|r| r.method == "GET"));
}

#[test]
fn a_conflict_stops_the_apply_and_names_what_was_applied() {
    let server = serve(Behaviour {
        conflict_on: Some("/services/"),
        ..Behaviour::default()
    });
    let (code, _, stderr) = corrino(&server, &["apply", EXAMPLE]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "Service/recipe-autoscalevllmexample in default: the server answered 409 Conflict"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("applied before the failure: Deployment/autoscalevllmexample in default"),
        "{stderr}"
    );
    let patched: Vec<String> = requests(&server)
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.target.clone())
        .collect();
    assert_eq!(
        patched.len(),
        2,
        "nothing is sent after the failure: {patched:?}"
    );
}

#[test]
fn a_server_error_on_the_scaled_object_is_reported_with_the_applied_objects() {
    let server = serve(Behaviour {
        error_on: Some("/scaledobjects/"),
        ..Behaviour::default()
    });
    let (code, _, stderr) = corrino(&server, &["apply", EXAMPLE]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "ScaledObject/autoscalevllmexample in default: the server answered 500 InternalError"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("Deployment/autoscalevllmexample in default, Service/recipe-autoscalevllmexample in default, Ingress/autoscalevllmexample in default"), "{stderr}");
}

#[test]
fn server_dry_run_asks_for_dry_run_on_every_request() {
    let server = serve(Behaviour::default());
    let (code, stdout, stderr) = corrino(&server, &["apply", EXAMPLE, "--dry-run", "server"]);
    assert_eq!(code, 0, "{stderr}");
    let patches: Vec<Received> = requests(&server)
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 4);
    assert!(patches.iter().all(|r| r.target.contains("dryRun=All")));
    assert!(stdout.contains("applied (server dry run)"));
}

#[test]
fn delete_goes_in_reverse_order_and_tolerates_missing_objects() {
    let server = serve(Behaviour {
        missing_on_delete: Some("/ingresses/"),
        ..Behaviour::default()
    });
    let (code, stdout, stderr) = corrino(&server, &["delete", EXAMPLE]);
    assert_eq!(code, 0, "{stderr}");
    let sent = requests(&server);
    let kinds: Vec<&str> = sent
        .iter()
        .map(|r| r.target.split('/').nth_back(1).unwrap_or_default())
        .collect();
    assert_eq!(
        kinds,
        ["scaledobjects", "ingresses", "services", "deployments"]
    );
    assert!(
        sent.iter()
            .all(|r| r.method == "DELETE" && r.target.contains("propagationPolicy=Foreground"))
    );
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).expect("delete options");
    assert_eq!(body["propagationPolicy"], "Foreground");
    assert!(
        stdout.contains("Ingress/autoscalevllmexample in default: already gone"),
        "{stdout}"
    );
}

#[test]
fn wait_returns_once_the_deployment_is_available() {
    let server = serve(Behaviour {
        deployment_available: true,
        ..Behaviour::default()
    });
    let (code, _, stderr) = corrino(&server, &["apply", EXAMPLE, "--wait", "--timeout", "30"]);
    assert_eq!(code, 0, "{stderr}");
    let gets: BTreeSet<String> = requests(&server)
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.target.clone())
        .collect();
    assert!(
        gets.contains("/apis/apps/v1/namespaces/default/deployments/autoscalevllmexample"),
        "{gets:?}"
    );
}

#[test]
fn wait_gives_up_after_the_timeout() {
    let server = serve(Behaviour::default());
    let (code, _, stderr) = corrino(&server, &["apply", EXAMPLE, "--wait", "--timeout", "1"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("was not available after 1 s"), "{stderr}");
}

#[test]
fn print_plan_sends_nothing() {
    let server = serve(Behaviour::default());
    let (code, stdout, _) = corrino(&server, &["apply", EXAMPLE, "--print-plan"]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with(
            "# requires keda.sh/v1alpha1 ScaledObject (KEDA)\n1. PATCH /apis/apps/v1/"
        ),
        "{stdout}"
    );
    assert!(requests(&server).is_empty());
}

#[test]
fn a_shared_pool_writes_its_node_pool_and_sends_nothing_to_the_cluster() {
    let server = serve(Behaviour::default());
    let dir = std::env::temp_dir().join(format!("corrino-apply-pool-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, stdout, stderr) = corrino(
        &server,
        &[
            "apply",
            "fixtures/recipes/shared-node-pool-a10.json",
            "--oci-out",
            dir.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("nothing to send to the cluster"),
        "{stderr}"
    );
    assert!(requests(&server).is_empty());
    let pool = std::fs::read_to_string(dir.join("node-pool.json")).expect("node pool");
    assert!(pool.contains("\"nodeShape\": \"BM.GPU.A10.4\""), "{pool}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The requests of one command, as `METHOD path` lines without the query.
fn sent_lines(server: &Server) -> Vec<String> {
    requests(server)
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.method,
                r.target.split('?').next().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn every_mode_applies_and_deletes_in_reverse_order() {
    for (recipe, expected) in [
        (
            "fixtures/recipes/team-two-shapes.json",
            vec![
                "GET /apis/kueue.x-k8s.io/v1beta2",
                "PATCH /apis/kueue.x-k8s.io/v1beta2/resourceflavors/bm.gpu.h100.8",
                "PATCH /apis/kueue.x-k8s.io/v1beta2/resourceflavors/vm.gpu.a10.2",
                "PATCH /apis/kueue.x-k8s.io/v1beta2/cohorts/corrino",
                "PATCH /apis/kueue.x-k8s.io/v1beta2/workloadpriorityclasses/research-priority",
                "PATCH /apis/kueue.x-k8s.io/v1beta2/clusterqueues/research-cluster-queue",
                "PATCH /api/v1/namespaces/research-namespace",
                "PATCH /apis/kueue.x-k8s.io/v1beta2/namespaces/research-namespace/localqueues/research-local-queue",
            ],
        ),
        (
            "fixtures/recipes/job-with-team.json",
            vec![
                "GET /apis/kueue.x-k8s.io/v1beta2",
                "PATCH /api/v1/namespaces/research-namespace/persistentvolumeclaims/gpu-healthcheck-a10-output-0",
                "PATCH /apis/batch/v1/namespaces/research-namespace/jobs/gpu-healthcheck-a10",
            ],
        ),
        (
            "fixtures/recipes/multinode-rdma-autoscaling.json",
            vec![
                "GET /apis/leaderworkerset.x-k8s.io/v1",
                "GET /apis/keda.sh/v1alpha1",
                "PATCH /apis/leaderworkerset.x-k8s.io/v1/namespaces/default/leaderworkersets/llama-405b",
                "PATCH /api/v1/namespaces/default/services/recipe-llama-405b",
                "PATCH /apis/networking.k8s.io/v1/namespaces/default/ingresses/llama-405b",
                "PATCH /apis/keda.sh/v1alpha1/namespaces/default/scaledobjects/llama-405b",
            ],
        ),
        (
            "fixtures/recipes/update-node-mig.json",
            vec!["PATCH /api/v1/nodes/10.0.10.138"],
        ),
        (
            "fixtures/recipes/update-pool-rdma.json",
            vec![
                "GET /api/v1/nodes",
                "PATCH /api/v1/nodes/10.0.10.5",
                "PATCH /api/v1/nodes/10.0.10.6",
            ],
        ),
    ] {
        let server = serve(Behaviour::default());
        let (code, stdout, stderr) = corrino(&server, &["apply", recipe]);
        assert_eq!(code, 0, "{recipe}: {stderr}");
        assert_eq!(sent_lines(&server), expected, "{recipe}: {stdout}");
        for patch in requests(&server).iter().filter(|r| r.method == "PATCH") {
            let body: serde_json::Value = serde_json::from_str(&patch.body).expect("JSON body");
            let name = body["metadata"]["name"]
                .as_str()
                .expect("a name in every body");
            assert!(patch.target.contains(name), "{recipe}: {}", patch.target);
        }
        // Deleting goes backwards; node updates take their labels back, and the shared Kueue objects stay.
        let server = serve(Behaviour::default());
        let (code, stdout, stderr) = corrino(&server, &["delete", recipe]);
        assert_eq!(code, 0, "{recipe}: {stderr}");
        let deleted: Vec<String> = sent_lines(&server)
            .into_iter()
            .filter(|l| !l.starts_with("GET "))
            .map(|l| {
                l.split_once(' ')
                    .map(|(_, p)| p.to_owned())
                    .unwrap_or_default()
            })
            .collect();
        let mut forward: Vec<String> = expected
            .iter()
            .filter(|l| {
                l.starts_with("PATCH ")
                    && !l.contains("/resourceflavors/")
                    && !l.contains("/cohorts/")
            })
            .map(|l| l.trim_start_matches("PATCH ").to_owned())
            .collect();
        if !recipe.contains("update-pool") {
            forward.reverse();
        }
        assert_eq!(deleted, forward, "{recipe}: {stdout}");
        if recipe.contains("update-") {
            for patch in requests(&server).iter().filter(|r| r.method == "PATCH") {
                let body: serde_json::Value = serde_json::from_str(&patch.body).expect("JSON body");
                assert!(body["metadata"].get("labels").is_none(), "{}", patch.body);
            }
            assert!(
                stdout.lines().all(|l| l.ends_with(": labels removed")),
                "{stdout}"
            );
        }
    }
}

#[test]
fn a_pool_update_with_no_node_is_an_error_naming_the_selector() {
    let server = serve(Behaviour::default());
    let recipe = std::env::temp_dir().join(format!("corrino-update-{}.json", std::process::id()));
    std::fs::write(
        &recipe,
        r#"{"recipe_mode": "update", "deployment_name": "x", "recipe_node_pool_name": "nopool",
            "recipe_node_labels": {"corrino/rdma": "true"}}"#,
    )
    .expect("write");
    let (code, _, stderr) = corrino(&server, &["apply", recipe.to_str().expect("utf8")]);
    std::fs::remove_file(&recipe).ok();
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no node has the label corrino.oci/recipe=nopool"),
        "{stderr}"
    );
    assert!(requests(&server).iter().all(|r| r.method == "GET"));
}
