"""core/v1 (k8s.io/api/core/v1 `generated.proto`): every core kind the explorer watches, plus
ReplicationController, with the nested messages they use.

Secret's table has no `data` (2) or `stringData` (4): a Secret's values are never decoded, so a
Secret stored under an unexpected key still shows them only as "field 2 … not in the table".
How the flags show a field: fields.py. Go's JSON tags decide `omitempty=False` (no omitempty in
the tag) and `pointer=True` (a `*T` field).
"""

from __future__ import annotations

from .fields import f, kind, message

ALWAYS = {"omitempty": False}
PTR = {"pointer": True}


def _core(name: str, *fields) -> None:
    message(f"core.v1.{name}", *fields)


def _ref(name: str) -> str:
    return f"core.v1.{name}"


# ---- the kinds -------------------------------------------------------------------------------

_OBJECT_META = f(1, "metadata", "meta.v1.ObjectMeta")


def _kind(kind_name: str, *fields) -> None:
    _core(kind_name, _OBJECT_META, *fields)
    kind("v1", kind_name, _ref(kind_name))


_kind("Namespace", f(2, "spec", _ref("NamespaceSpec")), f(3, "status", _ref("NamespaceStatus")))
_kind("Node", f(2, "spec", _ref("NodeSpec")), f(3, "status", _ref("NodeStatus")))
_kind("Pod", f(2, "spec", _ref("PodSpec")), f(3, "status", _ref("PodStatus")))
_kind("Service", f(2, "spec", _ref("ServiceSpec")), f(3, "status", _ref("ServiceStatus")))
_kind("Endpoints", f(2, "subsets", _ref("EndpointSubset"), repeated=True))
_kind(
    "ConfigMap",
    f(2, "data", "string", map_of="string"),
    f(3, "binaryData", "string", map_of="bytes"),
    f(4, "immutable", "bool", **PTR),
)
_kind("Secret", f(3, "type", "string"), f(5, "immutable", "bool", **PTR))
_kind(
    "ServiceAccount",
    f(2, "secrets", _ref("ObjectReference"), repeated=True),
    f(3, "imagePullSecrets", _ref("LocalObjectReference"), repeated=True),
    f(4, "automountServiceAccountToken", "bool", **PTR),
)
_kind(
    "PersistentVolume",
    f(2, "spec", _ref("PersistentVolumeSpec")),
    f(3, "status", _ref("PersistentVolumeStatus")),
)
_kind(
    "PersistentVolumeClaim",
    f(2, "spec", _ref("PersistentVolumeClaimSpec")),
    f(3, "status", _ref("PersistentVolumeClaimStatus")),
)
_kind(
    "Event",
    f(2, "involvedObject", _ref("ObjectReference")),
    f(3, "reason", "string"),
    f(4, "message", "string"),
    f(5, "source", _ref("EventSource")),
    f(6, "firstTimestamp", "time", **ALWAYS),
    f(7, "lastTimestamp", "time", **ALWAYS),
    f(8, "count", "int32"),
    f(9, "type", "string"),
    f(10, "eventTime", "microtime", **ALWAYS),
    f(11, "series", _ref("EventSeries"), **PTR),
    f(12, "action", "string"),
    f(13, "related", _ref("ObjectReference"), **PTR),
    f(14, "reportingComponent", "string", **ALWAYS),
    f(15, "reportingInstance", "string", **ALWAYS),
)
_kind(
    "ResourceQuota",
    f(2, "spec", _ref("ResourceQuotaSpec")),
    f(3, "status", _ref("ResourceQuotaStatus")),
)
_kind("LimitRange", f(2, "spec", _ref("LimitRangeSpec")))
_kind(
    "ReplicationController",
    f(2, "spec", _ref("ReplicationControllerSpec")),
    f(3, "status", _ref("ReplicationControllerStatus")),
)

# ---- shared references -----------------------------------------------------------------------

_core("LocalObjectReference", f(1, "name", "string"))
_core(
    "ObjectReference",
    f(1, "kind", "string"),
    f(2, "namespace", "string"),
    f(3, "name", "string"),
    f(4, "uid", "string"),
    f(5, "apiVersion", "string"),
    f(6, "resourceVersion", "string"),
    f(7, "fieldPath", "string"),
)
_core("SecretReference", f(1, "name", "string"), f(2, "namespace", "string"))
_core(
    "TypedLocalObjectReference",
    f(1, "apiGroup", "string", **PTR),
    f(2, "kind", "string", **ALWAYS),
    f(3, "name", "string", **ALWAYS),
)
_core(
    "TypedObjectReference",
    f(1, "apiGroup", "string", **PTR),
    f(2, "kind", "string", **ALWAYS),
    f(3, "name", "string", **ALWAYS),
    f(4, "namespace", "string", **PTR),
)
_core("ObjectFieldSelector", f(1, "apiVersion", "string"), f(2, "fieldPath", "string", **ALWAYS))
_core(
    "ResourceFieldSelector",
    f(1, "containerName", "string"),
    f(2, "resource", "string", **ALWAYS),
    f(3, "divisor", "quantity"),
)
_core(
    "ResourceRequirements",
    f(1, "limits", "string", map_of="quantity"),
    f(2, "requests", "string", map_of="quantity"),
    f(3, "claims", _ref("ResourceClaim"), repeated=True),
)
_core(
    "VolumeResourceRequirements",
    f(1, "limits", "string", map_of="quantity"),
    f(2, "requests", "string", map_of="quantity"),
)
_core("ResourceClaim", f(1, "name", "string", **ALWAYS), f(2, "request", "string"))

# ---- namespace, node -------------------------------------------------------------------------

_core("NamespaceSpec", f(1, "finalizers", "string", repeated=True))
_core(
    "NamespaceStatus",
    f(1, "phase", "string"),
    f(2, "conditions", _ref("NamespaceCondition"), repeated=True),
)
_core(
    "NamespaceCondition",
    f(1, "type", "string", **ALWAYS),
    f(2, "status", "string", **ALWAYS),
    f(4, "lastTransitionTime", "time", **ALWAYS),
    f(5, "reason", "string"),
    f(6, "message", "string"),
)
_core(
    "NodeSpec",
    f(1, "podCIDR", "string"),
    f(2, "externalID", "string"),
    f(3, "providerID", "string"),
    f(4, "unschedulable", "bool"),
    f(5, "taints", _ref("Taint"), repeated=True),
    f(6, "configSource", _ref("NodeConfigSource"), **PTR),
    f(7, "podCIDRs", "string", repeated=True),
)
_core(
    "Taint",
    f(1, "key", "string", **ALWAYS),
    f(2, "value", "string"),
    f(3, "effect", "string", **ALWAYS),
    f(4, "timeAdded", "time", **PTR),
)
_core("NodeConfigSource", f(2, "configMap", _ref("ConfigMapNodeConfigSource"), **PTR))
_core(
    "ConfigMapNodeConfigSource",
    f(1, "namespace", "string", **ALWAYS),
    f(2, "name", "string", **ALWAYS),
    f(3, "uid", "string"),
    f(4, "resourceVersion", "string"),
    f(5, "kubeletConfigKey", "string", **ALWAYS),
)
_core(
    "NodeStatus",
    f(1, "capacity", "string", map_of="quantity"),
    f(2, "allocatable", "string", map_of="quantity"),
    f(3, "phase", "string"),
    f(4, "conditions", _ref("NodeCondition"), repeated=True),
    f(5, "addresses", _ref("NodeAddress"), repeated=True),
    f(6, "daemonEndpoints", _ref("NodeDaemonEndpoints")),
    f(7, "nodeInfo", _ref("NodeSystemInfo")),
    f(8, "images", _ref("ContainerImage"), repeated=True),
    f(9, "volumesInUse", "string", repeated=True),
    f(10, "volumesAttached", _ref("AttachedVolume"), repeated=True),
    f(11, "config", _ref("NodeConfigStatus"), **PTR),
    f(12, "runtimeHandlers", _ref("NodeRuntimeHandler"), repeated=True),
    f(13, "features", _ref("NodeFeatures"), **PTR),
)
_core(
    "NodeRuntimeHandler",
    f(1, "name", "string", **ALWAYS),
    f(2, "features", _ref("NodeRuntimeHandlerFeatures"), **PTR),
)
_core(
    "NodeRuntimeHandlerFeatures",
    f(1, "recursiveReadOnlyMounts", "bool", **PTR),
    f(2, "userNamespaces", "bool", **PTR),
)
_core("NodeFeatures", f(1, "supplementalGroupsPolicy", "bool", **PTR))
_core(
    "NodeCondition",
    f(1, "type", "string", **ALWAYS),
    f(2, "status", "string", **ALWAYS),
    f(3, "lastHeartbeatTime", "time", **ALWAYS),
    f(4, "lastTransitionTime", "time", **ALWAYS),
    f(5, "reason", "string"),
    f(6, "message", "string"),
)
_core("NodeAddress", f(1, "type", "string", **ALWAYS), f(2, "address", "string", **ALWAYS))
_core("NodeDaemonEndpoints", f(1, "kubeletEndpoint", _ref("DaemonEndpoint")))
_core("DaemonEndpoint", f(1, "Port", "int32", **ALWAYS))
_core(
    "NodeSystemInfo",
    *(
        f(number, name, "string", **ALWAYS)
        for number, name in enumerate(
            (
                "machineID",
                "systemUUID",
                "bootID",
                "kernelVersion",
                "osImage",
                "containerRuntimeVersion",
                "kubeletVersion",
                "kubeProxyVersion",
                "operatingSystem",
                "architecture",
            ),
            start=1,
        )
    ),
)
_core(
    "ContainerImage", f(1, "names", "string", repeated=True, **ALWAYS), f(2, "sizeBytes", "int64")
)
_core("AttachedVolume", f(1, "name", "string", **ALWAYS), f(2, "devicePath", "string", **ALWAYS))
_core(
    "NodeConfigStatus",
    f(1, "assigned", _ref("NodeConfigSource"), **PTR),
    f(2, "active", _ref("NodeConfigSource"), **PTR),
    f(3, "lastKnownGood", _ref("NodeConfigSource"), **PTR),
    f(4, "error", "string"),
)

# ---- pod -------------------------------------------------------------------------------------

_core("PodTemplateSpec", f(1, "metadata", "meta.v1.ObjectMeta"), f(2, "spec", _ref("PodSpec")))
_core(
    "PodSpec",
    f(1, "volumes", _ref("Volume"), repeated=True),
    f(2, "containers", _ref("Container"), repeated=True, **ALWAYS),
    f(3, "restartPolicy", "string"),
    f(4, "terminationGracePeriodSeconds", "int64", **PTR),
    f(5, "activeDeadlineSeconds", "int64", **PTR),
    f(6, "dnsPolicy", "string"),
    f(7, "nodeSelector", "string", map_of="string"),
    f(8, "serviceAccountName", "string"),
    f(9, "serviceAccount", "string"),
    f(10, "nodeName", "string"),
    f(11, "hostNetwork", "bool"),
    f(12, "hostPID", "bool"),
    f(13, "hostIPC", "bool"),
    f(14, "securityContext", _ref("PodSecurityContext"), **PTR),
    f(15, "imagePullSecrets", _ref("LocalObjectReference"), repeated=True),
    f(16, "hostname", "string"),
    f(17, "subdomain", "string"),
    f(18, "affinity", _ref("Affinity"), **PTR),
    f(19, "schedulerName", "string"),
    f(20, "initContainers", _ref("Container"), repeated=True),
    f(21, "automountServiceAccountToken", "bool", **PTR),
    f(22, "tolerations", _ref("Toleration"), repeated=True),
    f(23, "hostAliases", _ref("HostAlias"), repeated=True),
    f(24, "priorityClassName", "string"),
    f(25, "priority", "int32", **PTR),
    f(26, "dnsConfig", _ref("PodDNSConfig"), **PTR),
    f(27, "shareProcessNamespace", "bool", **PTR),
    f(28, "readinessGates", _ref("PodReadinessGate"), repeated=True),
    f(29, "runtimeClassName", "string", **PTR),
    f(30, "enableServiceLinks", "bool", **PTR),
    f(31, "preemptionPolicy", "string", **PTR),
    f(32, "overhead", "string", map_of="quantity"),
    f(33, "topologySpreadConstraints", _ref("TopologySpreadConstraint"), repeated=True),
    f(34, "ephemeralContainers", _ref("EphemeralContainer"), repeated=True),
    f(35, "setHostnameAsFQDN", "bool", **PTR),
    f(36, "os", _ref("PodOS"), **PTR),
    f(37, "hostUsers", "bool", **PTR),
    f(38, "schedulingGates", _ref("PodSchedulingGate"), repeated=True),
)

_CONTAINER_FIELDS = (
    f(1, "name", "string", **ALWAYS),
    f(2, "image", "string"),
    f(3, "command", "string", repeated=True),
    f(4, "args", "string", repeated=True),
    f(5, "workingDir", "string"),
    f(6, "ports", _ref("ContainerPort"), repeated=True),
    f(7, "env", _ref("EnvVar"), repeated=True),
    f(8, "resources", _ref("ResourceRequirements")),
    f(9, "volumeMounts", _ref("VolumeMount"), repeated=True),
    f(10, "livenessProbe", _ref("Probe"), **PTR),
    f(11, "readinessProbe", _ref("Probe"), **PTR),
    f(12, "lifecycle", _ref("Lifecycle"), **PTR),
    f(13, "terminationMessagePath", "string"),
    f(14, "imagePullPolicy", "string"),
    f(15, "securityContext", _ref("SecurityContext"), **PTR),
    f(16, "stdin", "bool"),
    f(17, "stdinOnce", "bool"),
    f(18, "tty", "bool"),
    f(19, "envFrom", _ref("EnvFromSource"), repeated=True),
    f(20, "terminationMessagePolicy", "string"),
    f(21, "volumeDevices", _ref("VolumeDevice"), repeated=True),
    f(22, "startupProbe", _ref("Probe"), **PTR),
    f(23, "resizePolicy", _ref("ContainerResizePolicy"), repeated=True),
    f(24, "restartPolicy", "string", **PTR),
)
_core("Container", *_CONTAINER_FIELDS)
_core("EphemeralContainerCommon", *_CONTAINER_FIELDS)
_core(
    "EphemeralContainer",
    f(1, "", _ref("EphemeralContainerCommon")),
    f(2, "targetContainerName", "string"),
)
_core(
    "ContainerResizePolicy",
    f(1, "resourceName", "string", **ALWAYS),
    f(2, "restartPolicy", "string", **ALWAYS),
)
_core(
    "ContainerPort",
    f(1, "name", "string"),
    f(2, "hostPort", "int32"),
    f(3, "containerPort", "int32", **ALWAYS),
    f(4, "protocol", "string"),
    f(5, "hostIP", "string"),
)
_core(
    "EnvVar",
    f(1, "name", "string", **ALWAYS),
    f(2, "value", "string"),
    f(3, "valueFrom", _ref("EnvVarSource"), **PTR),
)
_core(
    "EnvVarSource",
    f(1, "fieldRef", _ref("ObjectFieldSelector"), **PTR),
    f(2, "resourceFieldRef", _ref("ResourceFieldSelector"), **PTR),
    f(3, "configMapKeyRef", _ref("ConfigMapKeySelector"), **PTR),
    f(4, "secretKeyRef", _ref("SecretKeySelector"), **PTR),
)
for _selector in ("ConfigMapKeySelector", "SecretKeySelector"):
    _core(
        _selector,
        f(1, "", _ref("LocalObjectReference")),
        f(2, "key", "string", **ALWAYS),
        f(3, "optional", "bool", **PTR),
    )
_core(
    "EnvFromSource",
    f(1, "prefix", "string"),
    f(2, "configMapRef", _ref("ConfigMapEnvSource"), **PTR),
    f(3, "secretRef", _ref("SecretEnvSource"), **PTR),
)
for _source in ("ConfigMapEnvSource", "SecretEnvSource"):
    _core(_source, f(1, "", _ref("LocalObjectReference")), f(2, "optional", "bool", **PTR))
_core(
    "VolumeMount",
    f(1, "name", "string", **ALWAYS),
    f(2, "readOnly", "bool"),
    f(3, "mountPath", "string", **ALWAYS),
    f(4, "subPath", "string"),
    f(5, "mountPropagation", "string", **PTR),
    f(6, "subPathExpr", "string"),
    f(7, "recursiveReadOnly", "string", **PTR),
)
_core("VolumeDevice", f(1, "name", "string", **ALWAYS), f(2, "devicePath", "string", **ALWAYS))
_core(
    "Probe",
    f(1, "", _ref("ProbeHandler")),
    f(2, "initialDelaySeconds", "int32"),
    f(3, "timeoutSeconds", "int32"),
    f(4, "periodSeconds", "int32"),
    f(5, "successThreshold", "int32"),
    f(6, "failureThreshold", "int32"),
    f(7, "terminationGracePeriodSeconds", "int64", **PTR),
)
_core(
    "ProbeHandler",
    f(1, "exec", _ref("ExecAction"), **PTR),
    f(2, "httpGet", _ref("HTTPGetAction"), **PTR),
    f(3, "tcpSocket", _ref("TCPSocketAction"), **PTR),
    f(4, "grpc", _ref("GRPCAction"), **PTR),
)
_core(
    "LifecycleHandler",
    f(1, "exec", _ref("ExecAction"), **PTR),
    f(2, "httpGet", _ref("HTTPGetAction"), **PTR),
    f(3, "tcpSocket", _ref("TCPSocketAction"), **PTR),
)
_core(
    "Lifecycle",
    f(1, "postStart", _ref("LifecycleHandler"), **PTR),
    f(2, "preStop", _ref("LifecycleHandler"), **PTR),
)
_core("ExecAction", f(1, "command", "string", repeated=True))
_core(
    "HTTPGetAction",
    f(1, "path", "string"),
    f(2, "port", "intorstring", **ALWAYS),
    f(3, "host", "string"),
    f(4, "scheme", "string"),
    f(5, "httpHeaders", _ref("HTTPHeader"), repeated=True),
)
_core("HTTPHeader", f(1, "name", "string", **ALWAYS), f(2, "value", "string", **ALWAYS))
_core("TCPSocketAction", f(1, "port", "intorstring", **ALWAYS), f(2, "host", "string"))
_core("GRPCAction", f(1, "port", "int32", **ALWAYS), f(2, "service", "string", **PTR))
_core(
    "SecurityContext",
    f(1, "capabilities", _ref("Capabilities"), **PTR),
    f(2, "privileged", "bool", **PTR),
    f(3, "seLinuxOptions", _ref("SELinuxOptions"), **PTR),
    f(4, "runAsUser", "int64", **PTR),
    f(5, "runAsNonRoot", "bool", **PTR),
    f(6, "readOnlyRootFilesystem", "bool", **PTR),
    f(7, "allowPrivilegeEscalation", "bool", **PTR),
    f(8, "runAsGroup", "int64", **PTR),
    f(9, "procMount", "string", **PTR),
    f(10, "windowsOptions", _ref("WindowsSecurityContextOptions"), **PTR),
    f(11, "seccompProfile", _ref("SeccompProfile"), **PTR),
)
_core(
    "PodSecurityContext",
    f(1, "seLinuxOptions", _ref("SELinuxOptions"), **PTR),
    f(2, "runAsUser", "int64", **PTR),
    f(3, "runAsNonRoot", "bool", **PTR),
    f(4, "supplementalGroups", "int64", repeated=True),
    f(5, "fsGroup", "int64", **PTR),
    f(6, "runAsGroup", "int64", **PTR),
    f(7, "sysctls", _ref("Sysctl"), repeated=True),
    f(8, "windowsOptions", _ref("WindowsSecurityContextOptions"), **PTR),
    f(9, "fsGroupChangePolicy", "string", **PTR),
    f(10, "seccompProfile", _ref("SeccompProfile"), **PTR),
)
_core("Capabilities", f(1, "add", "string", repeated=True), f(2, "drop", "string", repeated=True))
_core(
    "SELinuxOptions",
    f(1, "user", "string"),
    f(2, "role", "string"),
    f(3, "type", "string"),
    f(4, "level", "string"),
)
_core(
    "WindowsSecurityContextOptions",
    f(1, "gmsaCredentialSpecName", "string", **PTR),
    f(2, "gmsaCredentialSpec", "string", **PTR),
    f(3, "runAsUserName", "string", **PTR),
    f(4, "hostProcess", "bool", **PTR),
)
_core("SeccompProfile", f(1, "type", "string", **ALWAYS), f(2, "localhostProfile", "string", **PTR))
_core("Sysctl", f(1, "name", "string", **ALWAYS), f(2, "value", "string", **ALWAYS))
_core(
    "Toleration",
    f(1, "key", "string"),
    f(2, "operator", "string"),
    f(3, "value", "string"),
    f(4, "effect", "string"),
    f(5, "tolerationSeconds", "int64", **PTR),
)
_core("HostAlias", f(1, "ip", "string", **ALWAYS), f(2, "hostnames", "string", repeated=True))
_core(
    "PodDNSConfig",
    f(1, "nameservers", "string", repeated=True),
    f(2, "searches", "string", repeated=True),
    f(3, "options", _ref("PodDNSConfigOption"), repeated=True),
)
_core("PodDNSConfigOption", f(1, "name", "string"), f(2, "value", "string", **PTR))
_core("PodReadinessGate", f(1, "conditionType", "string", **ALWAYS))
_core("PodOS", f(1, "name", "string", **ALWAYS))
_core("PodSchedulingGate", f(1, "name", "string", **ALWAYS))
_core(
    "Affinity",
    f(1, "nodeAffinity", _ref("NodeAffinity"), **PTR),
    f(2, "podAffinity", _ref("PodAffinity"), **PTR),
    f(3, "podAntiAffinity", _ref("PodAntiAffinity"), **PTR),
)
_core(
    "NodeAffinity",
    f(1, "requiredDuringSchedulingIgnoredDuringExecution", _ref("NodeSelector"), **PTR),
    f(
        2,
        "preferredDuringSchedulingIgnoredDuringExecution",
        _ref("PreferredSchedulingTerm"),
        repeated=True,
    ),
)
_core("NodeSelector", f(1, "nodeSelectorTerms", _ref("NodeSelectorTerm"), repeated=True, **ALWAYS))
_core(
    "NodeSelectorTerm",
    f(1, "matchExpressions", _ref("NodeSelectorRequirement"), repeated=True),
    f(2, "matchFields", _ref("NodeSelectorRequirement"), repeated=True),
)
_core(
    "NodeSelectorRequirement",
    f(1, "key", "string", **ALWAYS),
    f(2, "operator", "string", **ALWAYS),
    f(3, "values", "string", repeated=True),
)
_core(
    "PreferredSchedulingTerm",
    f(1, "weight", "int32", **ALWAYS),
    f(2, "preference", _ref("NodeSelectorTerm"), **ALWAYS),
)
for _affinity in ("PodAffinity", "PodAntiAffinity"):
    _core(
        _affinity,
        f(
            1,
            "requiredDuringSchedulingIgnoredDuringExecution",
            _ref("PodAffinityTerm"),
            repeated=True,
        ),
        f(
            2,
            "preferredDuringSchedulingIgnoredDuringExecution",
            _ref("WeightedPodAffinityTerm"),
            repeated=True,
        ),
    )
_core(
    "PodAffinityTerm",
    f(1, "labelSelector", "meta.v1.LabelSelector", **PTR),
    f(2, "namespaces", "string", repeated=True),
    f(3, "topologyKey", "string", **ALWAYS),
    f(4, "namespaceSelector", "meta.v1.LabelSelector", **PTR),
    f(5, "matchLabelKeys", "string", repeated=True),
    f(6, "mismatchLabelKeys", "string", repeated=True),
)
_core(
    "WeightedPodAffinityTerm",
    f(1, "weight", "int32", **ALWAYS),
    f(2, "podAffinityTerm", _ref("PodAffinityTerm"), **ALWAYS),
)
_core(
    "TopologySpreadConstraint",
    f(1, "maxSkew", "int32", **ALWAYS),
    f(2, "topologyKey", "string", **ALWAYS),
    f(3, "whenUnsatisfiable", "string", **ALWAYS),
    f(4, "labelSelector", "meta.v1.LabelSelector", **PTR),
    f(5, "minDomains", "int32", **PTR),
    f(6, "nodeAffinityPolicy", "string", **PTR),
    f(7, "nodeTaintsPolicy", "string", **PTR),
    f(8, "matchLabelKeys", "string", repeated=True),
)

# ---- volumes ---------------------------------------------------------------------------------

_core("Volume", f(1, "name", "string", **ALWAYS), f(2, "", _ref("VolumeSource")))
_core(
    "VolumeSource",
    f(1, "hostPath", _ref("HostPathVolumeSource"), **PTR),
    f(2, "emptyDir", _ref("EmptyDirVolumeSource"), **PTR),
    f(3, "gcePersistentDisk", _ref("GCEPersistentDiskVolumeSource"), **PTR),
    f(4, "awsElasticBlockStore", _ref("AWSElasticBlockStoreVolumeSource"), **PTR),
    f(6, "secret", _ref("SecretVolumeSource"), **PTR),
    f(7, "nfs", _ref("NFSVolumeSource"), **PTR),
    f(10, "persistentVolumeClaim", _ref("PersistentVolumeClaimVolumeSource"), **PTR),
    f(16, "downwardAPI", _ref("DownwardAPIVolumeSource"), **PTR),
    f(19, "configMap", _ref("ConfigMapVolumeSource"), **PTR),
    f(26, "projected", _ref("ProjectedVolumeSource"), **PTR),
    f(28, "csi", _ref("CSIVolumeSource"), **PTR),
    f(29, "ephemeral", _ref("EphemeralVolumeSource"), **PTR),
)
_core("HostPathVolumeSource", f(1, "path", "string", **ALWAYS), f(2, "type", "string", **PTR))
_core("EmptyDirVolumeSource", f(1, "medium", "string"), f(2, "sizeLimit", "quantity", **PTR))
_core(
    "GCEPersistentDiskVolumeSource",
    f(1, "pdName", "string", **ALWAYS),
    f(2, "fsType", "string"),
    f(3, "partition", "int32"),
    f(4, "readOnly", "bool"),
)
_core(
    "AWSElasticBlockStoreVolumeSource",
    f(1, "volumeID", "string", **ALWAYS),
    f(2, "fsType", "string"),
    f(3, "partition", "int32"),
    f(4, "readOnly", "bool"),
)
_core(
    "SecretVolumeSource",
    f(1, "secretName", "string"),
    f(2, "items", _ref("KeyToPath"), repeated=True),
    f(3, "defaultMode", "int32", **PTR),
    f(4, "optional", "bool", **PTR),
)
_core(
    "ConfigMapVolumeSource",
    f(1, "", _ref("LocalObjectReference")),
    f(2, "items", _ref("KeyToPath"), repeated=True),
    f(3, "defaultMode", "int32", **PTR),
    f(4, "optional", "bool", **PTR),
)
_core(
    "KeyToPath",
    f(1, "key", "string", **ALWAYS),
    f(2, "path", "string", **ALWAYS),
    f(3, "mode", "int32", **PTR),
)
_core(
    "NFSVolumeSource",
    f(1, "server", "string", **ALWAYS),
    f(2, "path", "string", **ALWAYS),
    f(3, "readOnly", "bool"),
)
_core(
    "PersistentVolumeClaimVolumeSource",
    f(1, "claimName", "string", **ALWAYS),
    f(2, "readOnly", "bool"),
)
_core(
    "DownwardAPIVolumeSource",
    f(1, "items", _ref("DownwardAPIVolumeFile"), repeated=True),
    f(2, "defaultMode", "int32", **PTR),
)
_core(
    "DownwardAPIVolumeFile",
    f(1, "path", "string", **ALWAYS),
    f(2, "fieldRef", _ref("ObjectFieldSelector"), **PTR),
    f(3, "resourceFieldRef", _ref("ResourceFieldSelector"), **PTR),
    f(4, "mode", "int32", **PTR),
)
_core(
    "ProjectedVolumeSource",
    f(1, "sources", _ref("VolumeProjection"), repeated=True, **ALWAYS),
    f(2, "defaultMode", "int32", **PTR),
)
_core(
    "VolumeProjection",
    f(1, "secret", _ref("SecretProjection"), **PTR),
    f(2, "downwardAPI", _ref("DownwardAPIProjection"), **PTR),
    f(3, "configMap", _ref("ConfigMapProjection"), **PTR),
    f(4, "serviceAccountToken", _ref("ServiceAccountTokenProjection"), **PTR),
)
for _projection in ("SecretProjection", "ConfigMapProjection"):
    _core(
        _projection,
        f(1, "", _ref("LocalObjectReference")),
        f(2, "items", _ref("KeyToPath"), repeated=True),
        f(4, "optional", "bool", **PTR),
    )
_core("DownwardAPIProjection", f(1, "items", _ref("DownwardAPIVolumeFile"), repeated=True))
_core(
    "ServiceAccountTokenProjection",
    f(1, "audience", "string"),
    f(2, "expirationSeconds", "int64", **PTR),
    f(3, "path", "string", **ALWAYS),
)
_core(
    "CSIVolumeSource",
    f(1, "driver", "string", **ALWAYS),
    f(2, "readOnly", "bool", **PTR),
    f(3, "fsType", "string", **PTR),
    f(4, "volumeAttributes", "string", map_of="string"),
    f(5, "nodePublishSecretRef", _ref("LocalObjectReference"), **PTR),
)
_core(
    "EphemeralVolumeSource",
    f(1, "volumeClaimTemplate", _ref("PersistentVolumeClaimTemplate"), **PTR),
)
_core(
    "PersistentVolumeClaimTemplate",
    f(1, "metadata", "meta.v1.ObjectMeta"),
    f(2, "spec", _ref("PersistentVolumeClaimSpec")),
)

# ---- pod status ------------------------------------------------------------------------------

_core(
    "PodStatus",
    f(1, "phase", "string"),
    f(2, "conditions", _ref("PodCondition"), repeated=True),
    f(3, "message", "string"),
    f(4, "reason", "string"),
    f(5, "hostIP", "string"),
    f(6, "podIP", "string"),
    f(7, "startTime", "time", **PTR),
    f(8, "containerStatuses", _ref("ContainerStatus"), repeated=True),
    f(9, "qosClass", "string"),
    f(10, "initContainerStatuses", _ref("ContainerStatus"), repeated=True),
    f(11, "nominatedNodeName", "string"),
    f(12, "podIPs", _ref("PodIP"), repeated=True),
    f(13, "ephemeralContainerStatuses", _ref("ContainerStatus"), repeated=True),
    f(16, "hostIPs", _ref("HostIP"), repeated=True),
    f(17, "observedGeneration", "int64"),
)
_core(
    "PodCondition",
    f(1, "type", "string", **ALWAYS),
    f(2, "status", "string", **ALWAYS),
    f(3, "lastProbeTime", "time", **ALWAYS),
    f(4, "lastTransitionTime", "time", **ALWAYS),
    f(5, "reason", "string"),
    f(6, "message", "string"),
    f(7, "observedGeneration", "int64"),
)
_core("PodIP", f(1, "ip", "string", **ALWAYS))
_core("HostIP", f(1, "ip", "string", **ALWAYS))
_core(
    "ContainerStatus",
    f(1, "name", "string", **ALWAYS),
    f(2, "state", _ref("ContainerState")),
    f(3, "lastState", _ref("ContainerState")),
    f(4, "ready", "bool", **ALWAYS),
    f(5, "restartCount", "int32", **ALWAYS),
    f(6, "image", "string", **ALWAYS),
    f(7, "imageID", "string", **ALWAYS),
    f(8, "containerID", "string"),
    f(9, "started", "bool", **PTR),
    f(10, "allocatedResources", "string", map_of="quantity"),
    f(11, "resources", _ref("ResourceRequirements"), **PTR),
    f(12, "volumeMounts", _ref("VolumeMountStatus"), repeated=True),
)
_core(
    "VolumeMountStatus",
    f(1, "name", "string", **ALWAYS),
    f(2, "mountPath", "string", **ALWAYS),
    f(3, "readOnly", "bool"),
    f(4, "recursiveReadOnly", "string", **PTR),
)
_core(
    "ContainerState",
    f(1, "waiting", _ref("ContainerStateWaiting"), **PTR),
    f(2, "running", _ref("ContainerStateRunning"), **PTR),
    f(3, "terminated", _ref("ContainerStateTerminated"), **PTR),
)
_core("ContainerStateWaiting", f(1, "reason", "string"), f(2, "message", "string"))
_core("ContainerStateRunning", f(1, "startedAt", "time", **ALWAYS))
_core(
    "ContainerStateTerminated",
    f(1, "exitCode", "int32", **ALWAYS),
    f(2, "signal", "int32"),
    f(3, "reason", "string"),
    f(4, "message", "string"),
    f(5, "startedAt", "time", **ALWAYS),
    f(6, "finishedAt", "time", **ALWAYS),
    f(7, "containerID", "string"),
)

# ---- service, endpoints ----------------------------------------------------------------------

_core(
    "ServiceSpec",
    f(1, "ports", _ref("ServicePort"), repeated=True),
    f(2, "selector", "string", map_of="string"),
    f(3, "clusterIP", "string"),
    f(4, "type", "string"),
    f(5, "externalIPs", "string", repeated=True),
    f(7, "sessionAffinity", "string"),
    f(8, "loadBalancerIP", "string"),
    f(9, "loadBalancerSourceRanges", "string", repeated=True),
    f(10, "externalName", "string"),
    f(11, "externalTrafficPolicy", "string"),
    f(12, "healthCheckNodePort", "int32"),
    f(13, "publishNotReadyAddresses", "bool"),
    f(14, "sessionAffinityConfig", _ref("SessionAffinityConfig"), **PTR),
    f(17, "ipFamilyPolicy", "string", **PTR),
    f(18, "clusterIPs", "string", repeated=True),
    f(19, "ipFamilies", "string", repeated=True),
    f(20, "allocateLoadBalancerNodePorts", "bool", **PTR),
    f(21, "loadBalancerClass", "string", **PTR),
    f(22, "internalTrafficPolicy", "string", **PTR),
)
_core(
    "ServicePort",
    f(1, "name", "string"),
    f(2, "protocol", "string"),
    f(3, "port", "int32", **ALWAYS),
    f(4, "targetPort", "intorstring"),
    f(5, "nodePort", "int32"),
    f(6, "appProtocol", "string", **PTR),
)
_core("SessionAffinityConfig", f(1, "clientIP", _ref("ClientIPConfig"), **PTR))
_core("ClientIPConfig", f(1, "timeoutSeconds", "int32", **PTR))
_core(
    "ServiceStatus",
    f(1, "loadBalancer", _ref("LoadBalancerStatus")),
    f(2, "conditions", "meta.v1.Condition", repeated=True),
)
_core("LoadBalancerStatus", f(1, "ingress", _ref("LoadBalancerIngress"), repeated=True))
_core(
    "LoadBalancerIngress",
    f(1, "ip", "string"),
    f(2, "hostname", "string"),
    f(3, "ipMode", "string", **PTR),
    f(4, "ports", _ref("PortStatus"), repeated=True),
)
_core(
    "PortStatus",
    f(1, "port", "int32", **ALWAYS),
    f(2, "protocol", "string", **ALWAYS),
    f(3, "error", "string", **PTR),
)
_core(
    "EndpointSubset",
    f(1, "addresses", _ref("EndpointAddress"), repeated=True),
    f(2, "notReadyAddresses", _ref("EndpointAddress"), repeated=True),
    f(3, "ports", _ref("EndpointPort"), repeated=True),
)
_core(
    "EndpointAddress",
    f(1, "ip", "string", **ALWAYS),
    f(2, "targetRef", _ref("ObjectReference"), **PTR),
    f(3, "hostname", "string"),
    f(4, "nodeName", "string", **PTR),
)
_core(
    "EndpointPort",
    f(1, "name", "string"),
    f(2, "port", "int32", **ALWAYS),
    f(3, "protocol", "string"),
    f(4, "appProtocol", "string", **PTR),
)

# ---- storage ---------------------------------------------------------------------------------

_core(
    "PersistentVolumeSpec",
    f(1, "capacity", "string", map_of="quantity"),
    f(2, "", _ref("PersistentVolumeSource")),
    f(3, "accessModes", "string", repeated=True),
    f(4, "claimRef", _ref("ObjectReference"), **PTR),
    f(5, "persistentVolumeReclaimPolicy", "string"),
    f(6, "storageClassName", "string"),
    f(7, "mountOptions", "string", repeated=True),
    f(8, "volumeMode", "string", **PTR),
    f(9, "nodeAffinity", _ref("VolumeNodeAffinity"), **PTR),
    f(10, "volumeAttributesClassName", "string", **PTR),
)
_core(
    "PersistentVolumeSource",
    f(1, "gcePersistentDisk", _ref("GCEPersistentDiskVolumeSource"), **PTR),
    f(2, "awsElasticBlockStore", _ref("AWSElasticBlockStoreVolumeSource"), **PTR),
    f(3, "hostPath", _ref("HostPathVolumeSource"), **PTR),
    f(5, "nfs", _ref("NFSVolumeSource"), **PTR),
    f(20, "local", _ref("LocalVolumeSource"), **PTR),
    f(22, "csi", _ref("CSIPersistentVolumeSource"), **PTR),
)
_core("LocalVolumeSource", f(1, "path", "string", **ALWAYS), f(2, "fsType", "string", **PTR))
_core(
    "CSIPersistentVolumeSource",
    f(1, "driver", "string", **ALWAYS),
    f(2, "volumeHandle", "string", **ALWAYS),
    f(3, "readOnly", "bool"),
    f(4, "fsType", "string"),
    f(5, "volumeAttributes", "string", map_of="string"),
    f(6, "controllerPublishSecretRef", _ref("SecretReference"), **PTR),
    f(7, "nodeStageSecretRef", _ref("SecretReference"), **PTR),
    f(8, "nodePublishSecretRef", _ref("SecretReference"), **PTR),
    f(9, "controllerExpandSecretRef", _ref("SecretReference"), **PTR),
    f(10, "nodeExpandSecretRef", _ref("SecretReference"), **PTR),
)
_core("VolumeNodeAffinity", f(1, "required", _ref("NodeSelector"), **PTR))
_core(
    "PersistentVolumeStatus",
    f(1, "phase", "string"),
    f(2, "message", "string"),
    f(3, "reason", "string"),
    f(4, "lastPhaseTransitionTime", "time", **PTR),
)
_core(
    "PersistentVolumeClaimSpec",
    f(1, "accessModes", "string", repeated=True),
    f(2, "resources", _ref("VolumeResourceRequirements")),
    f(3, "volumeName", "string"),
    f(4, "selector", "meta.v1.LabelSelector", **PTR),
    f(5, "storageClassName", "string", **PTR),
    f(6, "volumeMode", "string", **PTR),
    f(7, "dataSource", _ref("TypedLocalObjectReference"), **PTR),
    f(8, "dataSourceRef", _ref("TypedObjectReference"), **PTR),
    f(9, "volumeAttributesClassName", "string", **PTR),
)
_core(
    "PersistentVolumeClaimStatus",
    f(1, "phase", "string"),
    f(2, "accessModes", "string", repeated=True),
    f(3, "capacity", "string", map_of="quantity"),
    f(4, "conditions", _ref("PersistentVolumeClaimCondition"), repeated=True),
    f(5, "allocatedResources", "string", map_of="quantity"),
    f(7, "allocatedResourceStatuses", "string", map_of="string"),
)
_core(
    "PersistentVolumeClaimCondition",
    f(1, "type", "string", **ALWAYS),
    f(2, "status", "string", **ALWAYS),
    f(3, "lastProbeTime", "time", **ALWAYS),
    f(4, "lastTransitionTime", "time", **ALWAYS),
    f(5, "reason", "string"),
    f(6, "message", "string"),
)

# ---- events, quotas, limits, replication controllers -----------------------------------------

_core("EventSource", f(1, "component", "string"), f(2, "host", "string"))
_core("EventSeries", f(1, "count", "int32"), f(2, "lastObservedTime", "microtime", **ALWAYS))
_core(
    "ResourceQuotaSpec",
    f(1, "hard", "string", map_of="quantity"),
    f(2, "scopes", "string", repeated=True),
    f(3, "scopeSelector", _ref("ScopeSelector"), **PTR),
)
_core(
    "ResourceQuotaStatus",
    f(1, "hard", "string", map_of="quantity"),
    f(2, "used", "string", map_of="quantity"),
)
_core(
    "ScopeSelector",
    f(1, "matchExpressions", _ref("ScopedResourceSelectorRequirement"), repeated=True),
)
_core(
    "ScopedResourceSelectorRequirement",
    f(1, "scopeName", "string", **ALWAYS),
    f(2, "operator", "string", **ALWAYS),
    f(3, "values", "string", repeated=True),
)
_core("LimitRangeSpec", f(1, "limits", _ref("LimitRangeItem"), repeated=True, **ALWAYS))
_core(
    "LimitRangeItem",
    f(1, "type", "string", **ALWAYS),
    f(2, "max", "string", map_of="quantity"),
    f(3, "min", "string", map_of="quantity"),
    f(4, "default", "string", map_of="quantity"),
    f(5, "defaultRequest", "string", map_of="quantity"),
    f(6, "maxLimitRequestRatio", "string", map_of="quantity"),
)
_core(
    "ReplicationControllerSpec",
    f(1, "replicas", "int32", **PTR),
    f(2, "selector", "string", map_of="string"),
    f(3, "template", _ref("PodTemplateSpec"), **PTR),
    f(4, "minReadySeconds", "int32"),
)
_core(
    "ReplicationControllerStatus",
    f(1, "replicas", "int32", **ALWAYS),
    f(2, "fullyLabeledReplicas", "int32"),
    f(3, "observedGeneration", "int64"),
    f(4, "readyReplicas", "int32"),
    f(5, "availableReplicas", "int32"),
    f(6, "conditions", _ref("ReplicationControllerCondition"), repeated=True),
)
_core(
    "ReplicationControllerCondition",
    f(1, "type", "string", **ALWAYS),
    f(2, "status", "string", **ALWAYS),
    f(3, "lastTransitionTime", "time", **ALWAYS),
    f(4, "reason", "string"),
    f(5, "message", "string"),
)
