"""EKS: clusters (their security group and access configuration), access entries."""

from __future__ import annotations

from emulator.fills import fill

# The access policies EKS offers (ListAccessPolicies); anything else is refused.
ACCESS_POLICIES = (
    "AmazonEKSAdminPolicy",
    "AmazonEKSAdminViewPolicy",
    "AmazonEKSClusterAdminPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSViewPolicy",
)
AUTHENTICATION_MODES = ("API", "API_AND_CONFIG_MAP", "CONFIG_MAP")
ACCESS_ENTRY_TYPES = ("STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX")


@fill(
    behaviour="CreateCluster creates the cluster security group in the VPC of the cluster's subnets and "
    "reports it (clusterSecurityGroupId, vpcId); DeleteCluster deletes it.",
    reference="https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigResponse.html",
)
def eks_cluster_security_group() -> None:
    """A cluster gets the security group EKS creates for it, as on AWS.

    moto 5.2.5 creates no security group and reports neither
    ``clusterSecurityGroupId`` nor ``vpcId`` in ``resourcesVpcConfig``, so
    anything referring to the group a cluster's control plane and managed
    nodes share (database and cache ingress rules) has an empty id. Here
    CreateCluster creates ``eks-cluster-sg-<name>-<suffix>`` in the subnets'
    VPC, tagged ``kubernetes.io/cluster/<name>: owned``, open to itself on all
    traffic (egress open, as EC2 makes it), and reports it with the VPC id;
    DeleteCluster deletes it (AWS leaves it behind, as the emulator does, only
    while another group's rule still refers to it).

    Fail closed: the subnets must exist and all be in one VPC, in at least two
    availability zones (AWS's rule); otherwise CreateCluster is an
    InvalidParameterException and no cluster is made.
    """
    from typing import Any

    from moto.ec2.exceptions import InvalidSubnetIdError
    from moto.ec2.models import ec2_backends
    from moto.eks.exceptions import InvalidParameterException
    from moto.eks.models import Cluster, EKSBackend
    from moto.moto_api._internal import mock_random

    def refuse(message: str) -> InvalidParameterException:
        return InvalidParameterException(
            clusterName=None, nodegroupName=None, fargateProfileName=None, addonName=None, message=message
        )

    def vpc_of(ec2: Any, subnet_ids: list[str]) -> str:
        if not subnet_ids:
            raise refuse("Subnets are required.")
        try:
            subnets = ec2.describe_subnets(subnet_ids=subnet_ids)
        except InvalidSubnetIdError as missing:
            raise refuse(f"The subnet ID does not exist: {missing.message}") from missing
        vpcs = {subnet.vpc_id for subnet in subnets}
        if len(vpcs) != 1:
            raise refuse(f"Subnets specified must be in the same VPC: {sorted(vpcs)}")
        if len({subnet.availability_zone for subnet in subnets}) < 2:
            raise refuse("Subnets specified must be in at least two different AZs.")
        return str(vpcs.pop())

    original_create = EKSBackend.create_cluster

    def create_cluster(
        self: EKSBackend, name: str, role_arn: str, resources_vpc_config: dict[str, Any], **kwargs: Any
    ) -> Cluster:
        ec2 = ec2_backends[self.account_id][self.region_name]
        vpc_id = vpc_of(ec2, list(resources_vpc_config.get("subnetIds") or []))
        cluster: Cluster = original_create(self, name, role_arn, resources_vpc_config, **kwargs)
        group = ec2.create_security_group(
            name=f"eks-cluster-sg-{name}-{mock_random.get_random_string(length=10, lower_case=True)}",
            description="EKS created security group applied to ENI that is attached to EKS Control Plane master "
            "nodes, as well as any managed workloads.",
            vpc_id=vpc_id,
            tags={"Name": f"eks-cluster-sg-{name}", f"kubernetes.io/cluster/{name}": "owned"},
        )
        ec2.authorize_security_group_ingress(
            group_name_or_id=group.id,
            ip_protocol="-1",
            from_port=None,  # type: ignore[arg-type]
            to_port=None,  # type: ignore[arg-type]
            ip_ranges=[],
            source_groups=[{"GroupId": group.id}],
            vpc_id=vpc_id,
        )
        cluster.resources_vpc_config = {
            **resources_vpc_config,
            "clusterSecurityGroupId": group.id,
            "vpcId": vpc_id,
            "securityGroupIds": list(resources_vpc_config.get("securityGroupIds") or []),
        }
        return cluster

    original_delete = EKSBackend.delete_cluster

    def delete_cluster(self: EKSBackend, name: str) -> Cluster:
        cluster: Cluster = original_delete(self, name)
        group_id = (cluster.resources_vpc_config or {}).get("clusterSecurityGroupId")
        if group_id:
            ec2 = ec2_backends[self.account_id][self.region_name]
            referenced = any(
                rule.source_group.get("GroupId") == group_id
                for vpc_groups in ec2.groups.values()
                for other in vpc_groups.values()
                if other.id != group_id
                for rule in other.ingress_rules + other.egress_rules
            )
            if not referenced:
                ec2.delete_security_group(group_id=group_id)
        return cluster

    EKSBackend.create_cluster = create_cluster  # type: ignore[method-assign,assignment]
    EKSBackend.delete_cluster = delete_cluster  # type: ignore[method-assign]


@fill(
    behaviour="A cluster keeps the access configuration it was created with (authenticationMode, "
    "CONFIG_MAP unless given) and reports it as accessConfig.",
    reference="https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessConfigRequest.html",
)
def eks_cluster_access_config() -> None:
    """DescribeCluster reports ``accessConfig``, as on AWS.

    moto 5.2.5 ignores CreateCluster's ``accessConfig``, so a cluster reports
    no authentication mode and the provider plans to set it again after every
    apply. Here the cluster keeps ``authenticationMode`` (CONFIG_MAP when not
    given, AWS's default for the API) and
    ``bootstrapClusterCreatorAdminPermissions`` (true when not given), and
    UpdateClusterConfig may change the mode only the ways AWS allows:
    CONFIG_MAP to API_AND_CONFIG_MAP to API, never back (InvalidParameterException).
    An unknown mode is an InvalidParameterException.
    """
    from typing import Any

    from moto.eks.exceptions import InvalidParameterException
    from moto.eks.models import Cluster
    from moto.eks.responses import EKSResponse

    def refuse(message: str) -> InvalidParameterException:
        return InvalidParameterException(
            clusterName=None, nodegroupName=None, fargateProfileName=None, addonName=None, message=message
        )

    def mode_of(config: dict[str, Any] | None) -> str:
        mode = (config or {}).get("authenticationMode") or "CONFIG_MAP"
        if mode not in AUTHENTICATION_MODES:
            raise refuse(f"Unsupported authentication mode {mode}; valid modes are {', '.join(AUTHENTICATION_MODES)}.")
        return str(mode)

    original_create = EKSResponse.create_cluster

    def create_cluster(self: EKSResponse) -> Any:
        config = self._get_param("accessConfig")
        mode = mode_of(config)
        result = original_create(self)
        cluster: Cluster = self.eks_backend.describe_cluster(name=self._get_param("name"))
        bootstrap = (config or {}).get("bootstrapClusterCreatorAdminPermissions")
        cluster.access_config = {  # type: ignore[attr-defined]
            "authenticationMode": mode,
            "bootstrapClusterCreatorAdminPermissions": True if bootstrap is None else bool(bootstrap),
        }
        return result

    original_update = EKSResponse.update_cluster_config

    def update_cluster_config(self: EKSResponse) -> Any:
        config = self._get_param("accessConfig")
        if config:
            cluster: Cluster = self.eks_backend.describe_cluster(name=self._get_param("name"))
            current = cluster.access_config["authenticationMode"]  # type: ignore[attr-defined]
            wanted = mode_of(config)
            if AUTHENTICATION_MODES.index(wanted) > AUTHENTICATION_MODES.index(current):
                raise refuse(f"Unsupported authentication mode update from {current} to {wanted}")
            cluster.access_config["authenticationMode"] = wanted  # type: ignore[attr-defined]
        return original_update(self)

    EKSResponse.create_cluster = create_cluster  # type: ignore[method-assign]
    EKSResponse.update_cluster_config = update_cluster_config  # type: ignore[method-assign]


@fill(
    behaviour="Access entries and their access policy associations are created, described, listed and "
    "deleted on clusters whose authentication mode allows them, and go with their cluster.",
    reference="https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAccessEntry.html",
)
def eks_access_entries() -> None:
    """Access entries and access policy associations, as on AWS.

    moto 5.2.5 has no access entry API at all (the server answers 404 to
    CreateAccessEntry), so a cluster's admins cannot be granted. Here
    CreateAccessEntry, DescribeAccessEntry, ListAccessEntries,
    DeleteAccessEntry, AssociateAccessPolicy, ListAssociatedAccessPolicies and
    DisassociateAccessPolicy work on a cluster's entries (``username`` the
    principal's ARN, ``type`` STANDARD unless given), and DeleteCluster takes
    its entries with it.

    Fail closed, where AWS decides from what it knows: the cluster must exist
    (ResourceNotFoundException) and use API or API_AND_CONFIG_MAP
    authentication (InvalidRequestException); the principal must be an IAM
    role or user that exists in the account (InvalidParameterException: the
    emulator cannot vouch for others); an entry exists once per principal
    (ResourceInUseException); a policy must be one EKS offers and its scope
    ``cluster`` or ``namespace`` with namespaces (InvalidParameterException);
    EC2_LINUX/EC2_WINDOWS entries take no policies.
    """
    import re
    from typing import Any
    from urllib.parse import unquote

    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.utils import utcnow
    from moto.eks import urls
    from moto.eks.exceptions import (
        InvalidParameterException,
        InvalidRequestException,
        ResourceInUseException,
        ResourceNotFoundException,
    )
    from moto.eks.models import Cluster
    from moto.eks.responses import EKSResponse
    from moto.iam.models import iam_backends
    from moto.moto_api._internal import mock_random
    from moto.utilities.utils import get_partition

    principal_pattern = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):(role|user)/(?:.*/)?([\w+=,.@-]+)$")

    def invalid(message: str) -> InvalidParameterException:
        return InvalidParameterException(
            clusterName=None, nodegroupName=None, fargateProfileName=None, addonName=None, message=message
        )

    def not_found(message: str) -> ResourceNotFoundException:
        return ResourceNotFoundException(
            clusterName=None, nodegroupName=None, fargateProfileName=None, addonName=None, message=message
        )

    def entries_of(cluster: Cluster) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = vars(cluster).setdefault("access_entries", {})
        return entries

    def cluster_of(response: EKSResponse) -> Cluster:
        name = response._get_param("name")
        cluster = response.eks_backend.clusters.get(name)
        if cluster is None:
            raise not_found(f"No cluster found for name: {name}.")
        return cluster

    def principal_of(response: EKSResponse) -> str:
        return unquote(str(response._get_param("principalArn")))

    def entry_of(response: EKSResponse, cluster: Cluster) -> dict[str, Any]:
        principal = principal_of(response)
        entry = entries_of(cluster).get(principal)
        if entry is None:
            raise not_found(f"The specified principalArn could not be found: {principal}")
        return entry

    def check_principal(account_id: str, principal: str) -> None:
        match = principal_pattern.match(principal)
        if not match:
            raise invalid(f"The specified principalArn is invalid: {principal}")
        owner, kind, name = match.groups()
        iam = iam_backends[owner][get_partition("us-east-1")]
        known = iam.roles.values() if kind == "role" else iam.users.values()
        if not any(item.name == name for item in known):
            raise invalid(
                f"The specified principalArn is invalid: {principal} does not exist in the emulator's IAM, "
                "so the emulator cannot tell whether AWS would accept it."
            )

    def create_access_entry(self: EKSResponse) -> ActionResult:
        cluster = cluster_of(self)
        mode = vars(cluster).get("access_config", {}).get("authenticationMode", "CONFIG_MAP")
        if mode == "CONFIG_MAP":
            raise InvalidRequestException(
                message="The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] "
                "to perform this operation."
            )
        principal = principal_of(self)
        check_principal(self.current_account, principal)
        entries = entries_of(cluster)
        if principal in entries:
            raise ResourceInUseException(
                clusterName=cluster.name,
                nodegroupName=None,
                addonName=None,
                message=f"The specified access entry resource is already in use on this cluster: {principal}",
            )
        kind = self._get_param("type") or "STANDARD"
        if kind not in ACCESS_ENTRY_TYPES:
            raise invalid(f"The type {kind} is not valid; valid types are {', '.join(ACCESS_ENTRY_TYPES)}.")
        now = utcnow()
        entry = {
            "clusterName": cluster.name,
            "principalArn": principal,
            "kubernetesGroups": list(self._get_param("kubernetesGroups") or []),
            "accessEntryArn": f"arn:{get_partition(self.region)}:eks:{self.region}:{self.current_account}:"
            f"access-entry/{cluster.name}/{principal.split(':')[-1].split('/')[0]}/{self.current_account}/"
            f"{principal.rsplit('/', 1)[-1]}/{mock_random.uuid4()}",
            "createdAt": now,
            "modifiedAt": now,
            "tags": dict(self._get_param("tags") or {}),
            "username": self._get_param("username") or principal,
            "type": kind,
            "policies": {},
        }
        entries[principal] = entry
        return ActionResult({"accessEntry": public(entry)})

    def public(entry: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in entry.items() if key != "policies"}

    def describe_access_entry(self: EKSResponse) -> ActionResult:
        return ActionResult({"accessEntry": public(entry_of(self, cluster_of(self)))})

    def list_access_entries(self: EKSResponse) -> ActionResult:
        return ActionResult({"accessEntries": sorted(entries_of(cluster_of(self)))})

    def delete_access_entry(self: EKSResponse) -> EmptyResult:
        cluster = cluster_of(self)
        entry = entry_of(self, cluster)
        del entries_of(cluster)[entry["principalArn"]]
        return EmptyResult()

    def associate_access_policy(self: EKSResponse) -> ActionResult:
        cluster = cluster_of(self)
        entry = entry_of(self, cluster)
        if entry["type"] in ("EC2_LINUX", "EC2_WINDOWS"):
            raise invalid(f"Access policies cannot be associated with {entry['type']} access entries.")
        policy = str(self._get_param("policyArn"))
        name = policy.rsplit("/", 1)[-1]
        if not policy.startswith("arn:aws:eks::aws:cluster-access-policy/") or name not in ACCESS_POLICIES:
            raise invalid(f"The specified policyArn is not a valid access policy: {policy}")
        scope = dict(self._get_param("accessScope") or {})
        if scope.get("type") not in ("cluster", "namespace") or (
            (scope.get("type") == "namespace") != bool(scope.get("namespaces"))
        ):
            raise invalid("accessScope must be type cluster, or type namespace with namespaces.")
        scope.setdefault("namespaces", [])
        now = utcnow()
        previous = entry["policies"].get(policy)
        association = {
            "policyArn": policy,
            "accessScope": scope,
            "associatedAt": previous["associatedAt"] if previous else now,
            "modifiedAt": now,
        }
        entry["policies"][policy] = association
        return ActionResult(
            {"clusterName": cluster.name, "principalArn": entry["principalArn"], "associatedAccessPolicy": association}
        )

    def list_associated_access_policies(self: EKSResponse) -> ActionResult:
        cluster = cluster_of(self)
        entry = entry_of(self, cluster)
        return ActionResult(
            {
                "clusterName": cluster.name,
                "principalArn": entry["principalArn"],
                "associatedAccessPolicies": list(entry["policies"].values()),
            }
        )

    def disassociate_access_policy(self: EKSResponse) -> EmptyResult:
        entry = entry_of(self, cluster_of(self))
        policy = unquote(str(self._get_param("policyArn")))
        if entry["policies"].pop(policy, None) is None:
            raise not_found(f"The specified policy is not associated: {policy}")
        return EmptyResult()

    for handler in (
        create_access_entry,
        describe_access_entry,
        list_access_entries,
        delete_access_entry,
        associate_access_policy,
        list_associated_access_policies,
        disassociate_access_policy,
    ):
        setattr(EKSResponse, handler.__name__, handler)
    # Routes reaching EKS's dispatcher, which then matches the operation from the API model.
    urls.url_paths["{0}/clusters/(?P<name>[^/]+)/access-entries$"] = urls.response.dispatch
    urls.url_paths["{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<rest>.+)$"] = urls.response.dispatch


@fill(
    behaviour="A managed node group reports its update configuration (maxUnavailable 1 unless given), and "
    "remote access and disk size only when given; a launch template it names must exist in the region.",
    reference="https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html",
)
def eks_node_group_launch_template() -> None:
    """Node groups made from a launch template read back as AWS reports them.

    moto 5.2.5 gives every node group ``remoteAccess`` (SSH key
    ``eksKeypair``) and a 20 GiB ``diskSize`` when none were asked for, so a
    node group built from a launch template (which takes neither) reads back
    with remote access and the provider plans to replace it after every
    apply; it drops ``updateConfig``; and it accepts a launch template that
    does not exist. Here ``updateConfig`` is kept (``maxUnavailable: 1``, AWS's
    default, when not given), ``remoteAccess`` and ``diskSize`` are reported
    only when given, and a
    node group naming a launch template (by id or name) that the region does
    not have is an InvalidParameterException, before anything is created.
    """
    from typing import Any

    from moto.ec2.exceptions import InvalidLaunchTemplateNameNotFoundError
    from moto.ec2.models import ec2_backends
    from moto.eks.exceptions import InvalidParameterException
    from moto.eks.models import EKSBackend, Nodegroup
    from moto.eks.responses import EKSResponse

    def refuse(message: str) -> InvalidParameterException:
        return InvalidParameterException(
            clusterName=None, nodegroupName=None, fargateProfileName=None, addonName=None, message=message
        )

    original_create = EKSBackend.create_nodegroup

    def create_nodegroup(self: EKSBackend, **kwargs: Any) -> Nodegroup:
        template = kwargs.get("launch_template")
        if template:
            ec2 = ec2_backends[self.account_id][self.region_name]
            try:
                if template.get("id"):
                    found = ec2.describe_launch_templates(template_ids=[template["id"]])
                else:
                    found = ec2.describe_launch_templates(template_names=[template.get("name")])
            except InvalidLaunchTemplateNameNotFoundError:
                found = []
            if not found:
                raise refuse(f"Launch template {template.get('id') or template.get('name')} does not exist.")
        nodegroup: Nodegroup = original_create(self, **kwargs)
        if not kwargs.get("remote_access"):
            nodegroup.remote_access = None  # type: ignore[assignment]
        if not kwargs.get("disk_size"):
            nodegroup.disk_size = None  # type: ignore[assignment]
        return nodegroup

    original_response = EKSResponse.create_nodegroup

    def create_nodegroup_response(self: EKSResponse) -> Any:
        result = original_response(self)
        nodegroup = self.eks_backend.describe_nodegroup(self._get_param("name"), self._get_param("nodegroupName"))
        nodegroup.update_config = self._get_param("updateConfig") or {"maxUnavailable": 1}
        return result

    EKSBackend.create_nodegroup = create_nodegroup  # type: ignore[method-assign,assignment]
    EKSResponse.create_nodegroup = create_nodegroup_response  # type: ignore[method-assign]
