"""How each resource type is priced: the lines a resource adds to its stack's monthly estimate.

A rule reads the resource's arguments (instance class, Multi-AZ, node count,
subnets, ...) and returns lines of quantity times a price from the table.
Usage-billed parts (data processed, requests, logs, storage) take their
quantity from the environment's usage assumptions and are marked as such.
Types AWS does not bill for are listed in :data:`FREE` with the reason; any
other type, or a price the table lacks, gives a line without an amount: "not
priced", never zero.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from infra.cost.prices import PriceTable
from infra.cost.terraform_json import Resource, StackDocument
from infra.cost.usage import SolobaseUsage, Usage

DAYS_PER_MONTH = 30.42
INCLUDED_GP3_IOPS = 3000


@dataclass(frozen=True)
class Line:
    """One priced part of a resource: ``quantity`` units at ``unit_price`` a unit; ``monthly`` None: not priced."""

    address: str
    service: str
    item: str
    quantity: float
    unit: str
    unit_price: float | None
    monthly: float | None
    region: str | None
    price_id: str | None
    usage: bool = False
    """Priced on a usage assumption rather than on what the stack declares."""
    note: str = ""

    @property
    def priced(self) -> bool:
        return self.monthly is not None


@dataclass(frozen=True)
class Context:
    """What a rule needs besides its resource."""

    prices: PriceTable
    usage: Usage
    document: StackDocument
    kind: str
    """The stack's kind (platform, tenant, databases, bootstrap)."""

    @property
    def hours(self) -> float:
        return self.prices.hours_per_month

    def count(self, predicate: Callable[[Resource], bool]) -> int:
        return sum(1 for resource in self.document.resources if predicate(resource))


Rule = Callable[[Resource, Context], list[Line]]


def charge(
    resource: Resource,
    ctx: Context,
    *,
    service: str,
    item: str,
    price_id: str,
    quantity: float,
    usage: bool = False,
    note: str = "",
    region: str | None = None,
) -> Line:
    """``quantity`` units of ``price_id`` in the resource's region, or a not-priced line naming what is missing."""
    where = region or resource.region or "global"
    price = ctx.prices.get(price_id, where)
    if price is None:
        missing = f"the price table has no {price_id} in {where}"
        return Line(
            resource.address, service, item, quantity, "", None, None, where, price_id, usage, f"{missing}. {note}"
        )
    return Line(
        resource.address,
        service,
        item,
        quantity,
        price.unit,
        price.usd,
        quantity * price.usd,
        where,
        price_id,
        usage,
        note,
    )


def not_priced(resource: Resource, service: str, item: str, why: str) -> Line:
    return Line(resource.address, service, item, 0.0, "", None, None, resource.region, None, False, why)


def free(resource: Resource, service: str, item: str, why: str) -> Line:
    """A part that costs nothing, said so (not left out)."""
    return Line(resource.address, service, item, 1.0, "", 0.0, 0.0, resource.region, None, False, why)


def _share(total: float, parts: int) -> float:
    return total / parts if parts else 0.0


def _int(value: object, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return default


# --- Replication between regions ------------------------------------------------------------


def _crosses_regions(resource: Resource, ctx: Context) -> bool:
    if resource.type in (
        "aws_s3_bucket_replication_configuration",
        "aws_ecr_replication_configuration",
        "aws_db_instance_automated_backups_replication",
    ):
        return True
    if resource.type == "aws_db_instance" and resource.values.get("replicate_source_db"):
        source = ctx.document.referenced(resource.values["replicate_source_db"])
        return source is None or source.region != resource.region
    return False


def _replication_transfer(resource: Resource, ctx: Context, what: str) -> Line:
    gb = _share(ctx.usage.cross_region_gb, ctx.count(lambda r: _crosses_regions(r, ctx)))
    return charge(
        resource,
        ctx,
        service="Data transfer",
        item=f"{what}: {gb:g} GB between regions",
        price_id="transfer.inter_region",
        quantity=gb,
        usage=True,
        note="its share of cross_region_gb",
    )


# --- Databases ------------------------------------------------------------------------------


def _db_storage_gb(resource: Resource, ctx: Context) -> int:
    allocated = _int(resource.values.get("allocated_storage"), 0)
    if allocated:
        return allocated
    source = ctx.document.referenced(resource.values.get("replicate_source_db"))
    return _int(source.values.get("allocated_storage"), 0) if source else 0


def db_instance(resource: Resource, ctx: Context) -> list[Line]:
    values = resource.values
    engine = values.get("engine")
    if engine not in (None, "postgres"):
        return [not_priced(resource, "RDS", f"{engine} instance", "the table prices RDS for PostgreSQL only")]
    instance_class = str(values.get("instance_class"))
    multi_az = bool(values.get("multi_az"))
    factor_price = ctx.prices.get("rds.multi_az_factor", "global")
    factor = factor_price.usd if (multi_az and factor_price) else 1.0
    deployment = "Multi-AZ" if multi_az else "Single-AZ"
    role = "read replica" if values.get("replicate_source_db") else "instance"
    lines = [
        charge(
            resource,
            ctx,
            service="RDS",
            item=f"{instance_class} {deployment} {role}",
            price_id=f"rds.instance.{instance_class}",
            quantity=ctx.hours * factor,
            note="standby billed too" if multi_az else "",
        )
    ]
    gb = _db_storage_gb(resource, ctx)
    storage_type = str(values.get("storage_type") or ("io1" if values.get("iops") else "gp2"))
    growth = values.get("max_allocated_storage")
    lines.append(
        charge(
            resource,
            ctx,
            service="RDS",
            item=f"{gb} GB {storage_type} storage, {deployment}",
            price_id=f"rds.storage.{storage_type}",
            quantity=gb * factor,
            note=f"priced at the allocated size; autoscaling may grow it to {growth} GB" if growth else "",
        )
    )
    iops = _int(values.get("iops"), 0)
    if storage_type == "gp3" and iops > INCLUDED_GP3_IOPS:
        lines.append(
            charge(
                resource,
                ctx,
                service="RDS",
                item=f"{iops - INCLUDED_GP3_IOPS} gp3 IOPS above the included {INCLUDED_GP3_IOPS}",
                price_id="rds.iops.gp3",
                quantity=(iops - INCLUDED_GP3_IOPS) * factor,
            )
        )
    if values.get("manage_master_user_password"):
        lines.append(
            charge(
                resource,
                ctx,
                service="Secrets Manager",
                item="master user secret (RDS manages it)",
                price_id="secretsmanager.secret",
                quantity=1,
            )
        )
    retention = _int(values.get("performance_insights_retention_period"), 7)
    if values.get("performance_insights_enabled") and retention > 7:
        lines.append(
            not_priced(resource, "RDS", f"Performance Insights, {retention} days", "long retention is billed per vCPU")
        )
    if _crosses_regions(resource, ctx):
        lines.append(_replication_transfer(resource, ctx, "cross-region replica"))
    return lines


def backup_replication(resource: Resource, ctx: Context) -> list[Line]:
    source = ctx.document.referenced(resource.values.get("source_db_instance_arn"))
    gb = _db_storage_gb(source, ctx) if source else 0
    return [
        charge(
            resource,
            ctx,
            service="RDS",
            item=f"{gb} GB of automated backups copied to {resource.region}",
            price_id="rds.backup_storage",
            quantity=gb,
            usage=True,
            note="assumes the copies hold one full copy of the source's allocated storage",
        ),
        _replication_transfer(resource, ctx, "backup copies"),
    ]


def elasticache(resource: Resource, ctx: Context) -> list[Line]:
    values = resource.values
    node_type = str(values.get("node_type"))
    if values.get("num_node_groups"):
        nodes = _int(values["num_node_groups"], 1) * (_int(values.get("replicas_per_node_group"), 0) + 1)
    else:
        nodes = _int(values.get("num_cache_clusters"), 1)
    return [
        charge(
            resource,
            ctx,
            service="ElastiCache",
            item=f"{nodes} x {node_type} node",
            price_id=f"elasticache.node.{node_type}",
            quantity=nodes * ctx.hours,
            note="one backup per cluster is free" if _int(values.get("snapshot_retention_limit"), 0) else "",
        )
    ]


# --- Kubernetes ------------------------------------------------------------------------------


def eks_cluster(resource: Resource, ctx: Context) -> list[Line]:
    return [
        charge(
            resource,
            ctx,
            service="EKS",
            item=f"control plane (Kubernetes {resource.values.get('version', '?')})",
            price_id="eks.cluster",
            quantity=ctx.hours,
            note="standard support; a version in extended support costs 6x",
        )
    ]


def eks_node_group(resource: Resource, ctx: Context) -> list[Line]:
    values = resource.values
    types = values.get("instance_types") or ["t3.medium"]
    instance_type = str(types[0])
    desired = _int((values.get("scaling_config") or {}).get("desired_size"), 1)
    spot = values.get("capacity_type") == "SPOT"
    on_demand = charge(
        resource,
        ctx,
        service="EC2",
        item=f"{desired} x {instance_type} node",
        price_id=f"ec2.instance.{instance_type}",
        quantity=desired * ctx.hours,
        note=f"priced as {instance_type}, the first of {list(types)}" if len(types) > 1 else "",
    )
    lines = [on_demand]
    if spot and on_demand.monthly is not None and on_demand.unit_price is not None:
        discount = ctx.usage.ec2_spot_discount
        lines = [
            Line(
                on_demand.address,
                "EC2",
                f"{desired} x {instance_type} Spot node",
                on_demand.quantity,
                on_demand.unit,
                on_demand.unit_price * (1 - discount),
                on_demand.monthly * (1 - discount),
                on_demand.region,
                on_demand.price_id,
                True,
                f"On-Demand ${on_demand.monthly:,.2f}; Spot {discount:.0%} off (ec2_spot_discount). {on_demand.note}",
            )
        ]
    template = ctx.document.referenced((values.get("launch_template") or {}).get("id"))
    disk_gb, volume_type = _int(values.get("disk_size"), 20), "gp3"
    if template is not None:
        mappings = template.values.get("block_device_mappings") or []
        ebs = (mappings[0].get("ebs") or {}) if mappings else {}
        disk_gb = _int(ebs.get("volume_size"), disk_gb)
        volume_type = str(ebs.get("volume_type") or "gp2")
    lines.append(
        charge(
            resource,
            ctx,
            service="EC2",
            item=f"{desired} x {disk_gb} GB {volume_type} node volume",
            price_id=f"ebs.{volume_type}",
            quantity=desired * disk_gb,
        )
    )
    return lines


# --- Network ---------------------------------------------------------------------------------


def nat_gateway(resource: Resource, ctx: Context) -> list[Line]:
    gb = _share(ctx.usage.nat_data_gb, len(ctx.document.of_type("aws_nat_gateway")))
    return [
        charge(resource, ctx, service="VPC", item="NAT gateway", price_id="vpc.nat.hour", quantity=ctx.hours),
        charge(
            resource,
            ctx,
            service="VPC",
            item=f"NAT data processed, {gb:g} GB",
            price_id="vpc.nat.gb",
            quantity=gb,
            usage=True,
            note="its share of nat_data_gb",
        ),
    ]


def elastic_ip(resource: Resource, ctx: Context) -> list[Line]:
    return [
        charge(
            resource,
            ctx,
            service="VPC",
            item="public IPv4 address (Elastic IP)",
            price_id="vpc.public_ipv4",
            quantity=ctx.hours,
        )
    ]


def _interface(resource: Resource) -> bool:
    return resource.type == "aws_vpc_endpoint" and resource.values.get("vpc_endpoint_type") == "Interface"


def vpc_endpoint(resource: Resource, ctx: Context) -> list[Line]:
    service_name = str(resource.values.get("service_name", "?")).rsplit(".", 1)[-1]
    if not _interface(resource):
        return [free(resource, "VPC", f"{service_name} gateway endpoint", "gateway endpoints cost nothing")]
    full = str(resource.values.get("service_name", "?")).split(".", 3)[-1]
    zones = len(resource.values.get("subnet_ids") or []) or 1
    gb = _share(ctx.usage.endpoint_data_gb, ctx.count(_interface))
    return [
        charge(
            resource,
            ctx,
            service="VPC",
            item=f"{full} interface endpoint x {zones} AZ",
            price_id="vpc.endpoint.hour",
            quantity=zones * ctx.hours,
        ),
        charge(
            resource,
            ctx,
            service="VPC",
            item=f"{full} endpoint data processed, {gb:g} GB",
            price_id="vpc.endpoint.gb",
            quantity=gb,
            usage=True,
            note="its share of endpoint_data_gb",
        ),
    ]


def load_balancer(resource: Resource, ctx: Context) -> list[Line]:
    values = resource.values
    kind = values.get("load_balancer_type", "application")
    if kind != "application":
        return [not_priced(resource, "ELB", f"{kind} load balancer", "the table prices Application Load Balancers")]
    lcu = ctx.usage.alb_lcu
    lines = [
        charge(
            resource, ctx, service="ELB", item="Application Load Balancer", price_id="elb.alb.hour", quantity=ctx.hours
        ),
        charge(
            resource,
            ctx,
            service="ELB",
            item=f"{lcu:g} LCU average",
            price_id="elb.alb.lcu",
            quantity=lcu * ctx.hours,
            usage=True,
            note="alb_lcu",
        ),
    ]
    if not values.get("internal"):
        zones = len(values.get("subnets") or []) or 2
        gb = _share(ctx.usage.internet_egress_gb, len(ctx.document.of_type("aws_lb")))
        lines += [
            charge(
                resource,
                ctx,
                service="VPC",
                item=f"{zones} public IPv4 addresses (one per load balancer node)",
                price_id="vpc.public_ipv4",
                quantity=zones * ctx.hours,
            ),
            charge(
                resource,
                ctx,
                service="Data transfer",
                item=f"{gb:g} GB to the internet",
                price_id="transfer.internet_out",
                quantity=gb,
                usage=True,
                note="its share of internet_egress_gb",
            ),
        ]
    return lines


# --- Compute ----------------------------------------------------------------------------------


def _task_split(values: Mapping[str, Any], tasks: int) -> dict[str, float]:
    """Tasks by capacity provider: each strategy's base first, the rest by weight."""
    strategy = values.get("capacity_provider_strategy") or [
        {"capacity_provider": values.get("launch_type") or "FARGATE", "weight": 1}
    ]
    split: dict[str, float] = {}
    remaining = float(tasks)
    for item in strategy:
        base = min(float(_int(item.get("base"), 0)), remaining)
        split[item["capacity_provider"]] = split.get(item["capacity_provider"], 0.0) + base
        remaining -= base
    weights = {item["capacity_provider"]: float(_int(item.get("weight"), 0)) for item in strategy}
    total = sum(weights.values())
    for provider, weight in weights.items():
        split[provider] = split.get(provider, 0.0) + (remaining * weight / total if total else 0.0)
    return {provider: count for provider, count in split.items() if count}


def ecs_service(resource: Resource, ctx: Context) -> list[Line]:
    values = resource.values
    task = ctx.document.referenced(values.get("task_definition"))
    if task is None:
        return [not_priced(resource, "Fargate", "service tasks", "its task definition is not in the stack")]
    if values.get("launch_type") == "EC2":
        return [not_priced(resource, "ECS", "tasks on EC2 capacity", "the instances are priced where they are made")]
    vcpu = _int(task.values.get("cpu"), 256) / 1024
    memory = _int(task.values.get("memory"), 512) / 1024
    architecture = str((task.values.get("runtime_platform") or {}).get("cpu_architecture") or "X86_64").lower()
    tasks = _int(values.get("desired_count"), 0)
    size = f"{vcpu:g} vCPU, {memory:g} GB, {architecture}"
    lines = []
    for provider, count in _task_split(values, tasks).items():
        spot = provider == "FARGATE_SPOT"
        factor = 1 - ctx.usage.fargate_spot_discount if spot else 1.0
        label = "Fargate Spot" if spot else "Fargate"
        for part, price_id, amount in (("vCPU", "fargate.vcpu", vcpu), ("memory", "fargate.gb", memory)):
            line = charge(
                resource,
                ctx,
                service="Fargate",
                item=f"{count:g} x {label} task ({size}): {part}",
                price_id=f"{price_id}.{architecture}",
                quantity=count * amount * ctx.hours,
                usage=spot,
                note=f"{ctx.usage.fargate_spot_discount:.0%} off On-Demand (fargate_spot_discount)" if spot else "",
            )
            if line.monthly is not None and line.unit_price is not None:
                line = Line(
                    **{**line.__dict__, "unit_price": line.unit_price * factor, "monthly": line.monthly * factor}
                )
            lines.append(line)
    if not lines:
        lines.append(free(resource, "Fargate", "service with no task running", "desired_count is 0"))
    return lines


def ecs_cluster(resource: Resource, ctx: Context) -> list[Line]:
    settings = resource.values.get("setting") or []
    insights = any(s.get("name") == "containerInsights" and s.get("value") != "disabled" for s in settings)
    if insights:
        return [
            not_priced(
                resource,
                "CloudWatch",
                "Container Insights metrics",
                "billed per metric and task; depends on the number of tasks and services",
            )
        ]
    return [free(resource, "ECS", "cluster", "an ECS cluster costs nothing itself")]


def _cached_authorizer_ttl(resource: Resource, ctx: Context) -> int:
    """Seconds an HTTP API keeps the decisions of the function as its authorizer (0: not one, or no cache)."""
    for authorizer in ctx.document.of_type("aws_apigatewayv2_authorizer"):
        if str(authorizer.values.get("authorizer_uri", "")).startswith(f"${{{resource.address}."):
            return _int(authorizer.values.get("authorizer_result_ttl_in_seconds"), 300)
    return 0


def lambda_function(resource: Resource, ctx: Context) -> list[Line]:
    values = resource.values
    memory_gb = _int(values.get("memory_size"), 128) / 1024
    architecture = str((values.get("architectures") or ["x86_64"])[0])
    requests, duration = ctx.usage.lambda_requests_millions, ctx.usage.lambda_duration_ms
    if ttl := _cached_authorizer_ttl(resource, ctx):
        # Asked once per cache period for the one header value CloudFront sends, not once per request.
        requests = min(requests, ctx.hours * 3600 / ttl / 1e6)
    seconds = requests * 1e6 * duration / 1000
    return [
        charge(
            resource,
            ctx,
            service="Lambda",
            item=f"{requests:g}M requests",
            price_id="lambda.requests",
            quantity=requests,
            usage=True,
            note="lambda_requests_millions",
        ),
        charge(
            resource,
            ctx,
            service="Lambda",
            item=f"{seconds * memory_gb:,.0f} GB-s ({requests:g}M x {duration:g} ms x {memory_gb * 1024:g} MB)",
            price_id=f"lambda.gb_second.{architecture}",
            quantity=seconds * memory_gb,
            usage=True,
            note="lambda_duration_ms; the account-wide free tier is not applied",
        ),
    ]


def http_api(resource: Resource, ctx: Context) -> list[Line]:
    requests = ctx.usage.lambda_requests_millions
    return [
        charge(
            resource,
            ctx,
            service="API Gateway",
            item=f"{requests:g}M HTTP API requests",
            price_id="apigateway.http_requests",
            quantity=requests,
            usage=True,
            note="lambda_requests_millions: the API serves every request of its function",
        )
    ]


# --- Edge and DNS -----------------------------------------------------------------------------


def cloudfront(resource: Resource, ctx: Context) -> list[Line]:
    requests, gb = ctx.usage.cdn_requests_millions, ctx.usage.cdn_data_gb
    return [
        charge(
            resource,
            ctx,
            service="CloudFront",
            item=f"{requests:g}M HTTPS requests",
            price_id="cloudfront.https_requests",
            quantity=requests * 100,
            usage=True,
            note="cdn_requests_millions",
            region="global",
        ),
        charge(
            resource,
            ctx,
            service="CloudFront",
            item=f"{gb:g} GB to viewers",
            price_id="cloudfront.data_out",
            quantity=gb,
            usage=True,
            note="cdn_data_gb; origin fetches from AWS are free",
            region="global",
        ),
    ]


def route53_zone(resource: Resource, ctx: Context) -> list[Line]:
    return [charge(resource, ctx, service="Route 53", item="hosted zone", price_id="route53.zone", quantity=1)]


def route53_health_check(resource: Resource, ctx: Context) -> list[Line]:
    values = resource.values
    check_type = str(values.get("type", ""))
    if check_type not in ("HTTP", "HTTPS", "TCP", "HTTP_STR_MATCH", "HTTPS_STR_MATCH"):
        return [not_priced(resource, "Route 53", f"{check_type} health check", "only endpoint checks are priced")]
    features = [
        name
        for name, present in (
            ("HTTPS", check_type.startswith("HTTPS")),
            ("string matching", check_type.endswith("STR_MATCH")),
            ("fast interval", _int(values.get("request_interval"), 30) == 10),
            ("latency measurement", bool(values.get("measure_latency"))),
        )
        if present
    ]
    lines = [
        charge(
            resource,
            ctx,
            service="Route 53",
            item=f"{check_type} health check of {values.get('fqdn') or values.get('ip_address')}",
            price_id="route53.health_check.non_aws",
            quantity=1,
        )
    ]
    if features:
        lines.append(
            charge(
                resource,
                ctx,
                service="Route 53",
                item=f"health check features: {', '.join(features)}",
                price_id="route53.health_check.feature",
                quantity=len(features),
            )
        )
    return lines


# --- Keys, secrets, monitoring ---------------------------------------------------------------


def kms_key(resource: Resource, ctx: Context) -> list[Line]:
    rotation = " (rotation adds $1/month a year for two years)" if resource.values.get("enable_key_rotation") else ""
    return [
        charge(resource, ctx, service="KMS", item=f"customer managed key{rotation}", price_id="kms.key", quantity=1)
    ]


def secret(resource: Resource, ctx: Context) -> list[Line]:
    name = resource.values.get("name") or resource.values.get("name_prefix") or "secret"
    return [
        charge(resource, ctx, service="Secrets Manager", item=str(name), price_id="secretsmanager.secret", quantity=1)
    ]


def alarm(resource: Resource, ctx: Context) -> list[Line]:
    values = resource.values
    queries = values.get("metric_query") or []
    metrics = sum(1 for query in queries if query.get("metric")) or 1
    high = _int(values.get("period"), 60) < 60 or any(
        _int((query.get("metric") or {}).get("period"), 60) < 60 for query in queries
    )
    resolution = "high_resolution" if high else "standard"
    name = values.get("alarm_name", resource.name)
    return [
        charge(
            resource,
            ctx,
            service="CloudWatch",
            item=f"alarm {name} ({metrics} metric{'s' if metrics > 1 else ''})",
            price_id=f"cloudwatch.alarm.{resolution}",
            quantity=metrics,
        )
    ]


def dashboard(resource: Resource, ctx: Context) -> list[Line]:
    name = resource.values.get("dashboard_name", resource.name)
    return [
        charge(
            resource, ctx, service="CloudWatch", item=f"dashboard {name}", price_id="cloudwatch.dashboard", quantity=1
        )
    ]


def metric_filter(resource: Resource, ctx: Context) -> list[Line]:
    transformation = resource.values.get("metric_transformation") or {}
    if isinstance(transformation, list):
        transformation = transformation[0] if transformation else {}
    name = transformation.get("name", resource.name)
    return [
        charge(
            resource, ctx, service="CloudWatch", item=f"custom metric {name}", price_id="cloudwatch.metric", quantity=1
        )
    ]


def _log_ingestion_gb(ctx: Context) -> float:
    if ctx.kind == "tenant" and isinstance(ctx.usage, SolobaseUsage):
        return ctx.usage.tenant_log_ingestion_gb
    return ctx.usage.log_ingestion_gb


def log_group(resource: Resource, ctx: Context) -> list[Line]:
    gb = _share(_log_ingestion_gb(ctx), len(ctx.document.of_type("aws_cloudwatch_log_group")))
    name = resource.values.get("name", resource.name)
    lines = [
        charge(
            resource,
            ctx,
            service="CloudWatch",
            item=f"logs {name}: {gb:.2f} GB ingested",
            price_id="cloudwatch.logs.ingestion",
            quantity=gb,
            usage=True,
            note="its share of the stack's log ingestion",
        )
    ]
    days = _int(resource.values.get("retention_in_days"), 0)
    if days <= 0:
        lines.append(
            not_priced(resource, "CloudWatch", f"logs {name} storage", "kept forever: storage grows each month")
        )
    else:
        stored = gb * days / DAYS_PER_MONTH
        lines.append(
            charge(
                resource,
                ctx,
                service="CloudWatch",
                item=f"logs {name}: {stored:.2f} GB stored ({days} days)",
                price_id="cloudwatch.logs.storage",
                quantity=stored,
                usage=True,
                note="steady state: a month's ingestion times the retention",
            )
        )
    return lines


def trail(resource: Resource, ctx: Context) -> list[Line]:
    values = resource.values
    data_events = any(selector.get("data_resource") for selector in values.get("event_selector") or []) or bool(
        values.get("advanced_event_selector")
    )
    lines = [
        charge(
            resource,
            ctx,
            service="CloudTrail",
            item="trail of management events (first copy)",
            price_id="cloudtrail.management_events",
            quantity=1,
            note="its delivery to CloudWatch Logs and S3 is priced with the log group and the bucket",
        )
    ]
    if data_events:
        lines.append(not_priced(resource, "CloudTrail", "data events", "billed per 100,000 events"))
    return lines


# --- Storage ----------------------------------------------------------------------------------


def bucket(resource: Resource, ctx: Context) -> list[Line]:
    name = str(resource.values.get("bucket") or resource.values.get("bucket_prefix") or resource.name)
    named = [gb for pattern, gb in ctx.usage.bucket_storage_gb.items() if fnmatch.fnmatch(name, pattern)]
    gb = named[0] if named else ctx.usage.s3_storage_gb
    return [
        charge(
            resource,
            ctx,
            service="S3",
            item=f"{name}: {gb:g} GB Standard",
            price_id="s3.standard",
            quantity=gb,
            usage=True,
            note="bucket_storage_gb" if named else "s3_storage_gb; lifecycle transitions would lower it",
        )
    ]


def bucket_replication(resource: Resource, ctx: Context) -> list[Line]:
    return [_replication_transfer(resource, ctx, "bucket replication")]


def registry(resource: Resource, ctx: Context) -> list[Line]:
    name = resource.values.get("name", resource.name)
    gb = ctx.usage.ecr_storage_gb
    return [
        charge(
            resource,
            ctx,
            service="ECR",
            item=f"{name}: {gb:g} GB of images",
            price_id="ecr.storage",
            quantity=gb,
            usage=True,
            note="ecr_storage_gb",
        )
    ]


def registry_replication(resource: Resource, ctx: Context) -> list[Line]:
    return [_replication_transfer(resource, ctx, "image replication")]


def dynamodb_table(resource: Resource, ctx: Context) -> list[Line]:
    mode = resource.values.get("billing_mode", "PROVISIONED")
    why = (
        "billed per request and GB stored: a lock table's few thousand requests and KB cost under $0.01"
        if mode == "PAY_PER_REQUEST"
        else "provisioned capacity is not in the table"
    )
    return [not_priced(resource, "DynamoDB", f"{mode} table", why)]


def ssm_parameter(resource: Resource, ctx: Context) -> list[Line]:
    if resource.values.get("tier", "Standard") == "Standard":
        return [free(resource, "SSM", "standard parameter", "standard parameters cost nothing")]
    return [
        not_priced(resource, "SSM", f"{resource.values['tier']} parameter", "advanced parameters are not in the table")
    ]


RULES: Mapping[str, Rule] = {
    "aws_db_instance": db_instance,
    "aws_db_instance_automated_backups_replication": backup_replication,
    "aws_elasticache_replication_group": elasticache,
    "aws_eks_cluster": eks_cluster,
    "aws_eks_node_group": eks_node_group,
    "aws_nat_gateway": nat_gateway,
    "aws_eip": elastic_ip,
    "aws_vpc_endpoint": vpc_endpoint,
    "aws_lb": load_balancer,
    "aws_ecs_service": ecs_service,
    "aws_ecs_cluster": ecs_cluster,
    "aws_lambda_function": lambda_function,
    "aws_apigatewayv2_api": http_api,
    "aws_cloudfront_distribution": cloudfront,
    "aws_route53_zone": route53_zone,
    "aws_route53_health_check": route53_health_check,
    "aws_kms_key": kms_key,
    "aws_secretsmanager_secret": secret,
    "aws_cloudwatch_metric_alarm": alarm,
    "aws_cloudwatch_dashboard": dashboard,
    "aws_cloudwatch_log_metric_filter": metric_filter,
    "aws_cloudwatch_log_group": log_group,
    "aws_cloudtrail": trail,
    "aws_s3_bucket": bucket,
    "aws_s3_bucket_replication_configuration": bucket_replication,
    "aws_ecr_repository": registry,
    "aws_ecr_replication_configuration": registry_replication,
    "aws_dynamodb_table": dynamodb_table,
    "aws_ssm_parameter": ssm_parameter,
}

_NETWORK = "part of the VPC: AWS bills nothing for it"
_CONFIG = "configuration of a priced resource: billed through it"
FREE: Mapping[str, str] = {
    "aws_vpc": _NETWORK,
    "aws_subnet": _NETWORK,
    "aws_route_table": _NETWORK,
    "aws_route": _NETWORK,
    "aws_route_table_association": _NETWORK,
    "aws_internet_gateway": _NETWORK,
    "aws_default_security_group": _NETWORK,
    "aws_security_group": _NETWORK,
    "aws_vpc_security_group_ingress_rule": _NETWORK,
    "aws_vpc_security_group_egress_rule": _NETWORK,
    "aws_flow_log": "its records are priced as ingestion of its log group",
    "aws_iam_role": "IAM costs nothing",
    "aws_iam_role_policy": "IAM costs nothing",
    "aws_iam_role_policy_attachment": "IAM costs nothing",
    "aws_iam_policy": "IAM costs nothing",
    "aws_kms_alias": "aliases cost nothing",
    "aws_acm_certificate": "public ACM certificates cost nothing",
    "aws_acm_certificate_validation": "a wait, not a resource",
    "aws_db_parameter_group": _CONFIG,
    "aws_db_subnet_group": _CONFIG,
    "aws_elasticache_subnet_group": _CONFIG,
    "aws_launch_template": "its volumes are priced with the node group that uses it",
    "aws_lb_listener": "listeners and rules are within the load balancer's hours and LCUs",
    "aws_lb_listener_rule": "listeners and rules are within the load balancer's hours and LCUs",
    "aws_lb_target_group": "listeners and rules are within the load balancer's hours and LCUs",
    "aws_ecs_task_definition": "priced through the service that runs it",
    "aws_ecs_cluster_capacity_providers": _CONFIG,
    "aws_appautoscaling_target": "scaling costs nothing; services are priced at their desired count",
    "aws_appautoscaling_policy": "scaling costs nothing; services are priced at their desired count",
    "aws_lambda_function_url": "function URLs cost nothing beyond the function's requests",
    "aws_lambda_permission": _CONFIG,
    "aws_apigatewayv2_integration": _CONFIG,
    "aws_apigatewayv2_route": _CONFIG,
    "aws_apigatewayv2_stage": "stages are within the API's requests; its access logs are priced with their log group",
    "aws_apigatewayv2_authorizer": "authorizers are within the API's requests; their function is priced",
    "aws_cloudfront_origin_access_control": _CONFIG,
    "aws_route53_record": "records cost nothing; DNS queries ($0.40 per million) are not estimated",
    "aws_s3_bucket_lifecycle_configuration": _CONFIG,
    "aws_s3_bucket_ownership_controls": _CONFIG,
    "aws_s3_bucket_policy": _CONFIG,
    "aws_s3_bucket_public_access_block": _CONFIG,
    "aws_s3_bucket_server_side_encryption_configuration": _CONFIG,
    "aws_s3_bucket_versioning": _CONFIG,
    "aws_ecr_lifecycle_policy": _CONFIG,
    "aws_secretsmanager_secret_version": "versions are within the secret's price",
    "aws_secretsmanager_secret_rotation": "rotation by RDS costs nothing beyond the secret",
    "aws_sns_topic": "alarm notifications are usage: within SNS's first million publishes and 1,000 emails",
    "aws_sns_topic_subscription": _CONFIG,
    "terraform_data": "Terraform's own value (a final snapshot's name): nothing in AWS",
}
FREE_PREFIXES = {"postgresql_": "objects inside an existing PostgreSQL server; the server is priced in its own stack"}


def free_reason(resource_type: str) -> str | None:
    """Why AWS bills nothing for the type, or None when it may bill."""
    if resource_type in FREE:
        return FREE[resource_type]
    return next((why for prefix, why in FREE_PREFIXES.items() if resource_type.startswith(prefix)), None)


def price(resource: Resource, ctx: Context) -> list[Line]:
    """The lines of one resource; a type with no rule and not free is one not-priced line."""
    rule = RULES.get(resource.type)
    if rule is not None:
        return rule(resource, ctx)
    if free_reason(resource.type) is not None:
        return []
    return [not_priced(resource, "other", resource.type, f"no rule prices {resource.type}")]
