"""Values the documents state that more than one suite checks."""

# ReplayDash's README reads these outputs by name.
REPLAYDASH_OUTPUTS = (
    "alb_dns_name",
    "alb_zone_id",
    "certificate_validation_records",
    "ecr_repository_url",
    "database_secret_arn",
    "cloudwatch_dashboard_url",
)

# Issue: ALB DNS name and zone id, validation records, ECR URL, cluster and service names,
# database endpoint and managed secret, Redis endpoint, SNS topic.
FREESIDE_OUTPUTS = (
    "alb_dns_name",
    "alb_zone_id",
    "certificate_validation_records",
    "ecr_repository_url",
    "ecs_cluster_name",
    "api_service_name",
    "worker_service_name",
    "database_endpoint",
    "database_master_secret_arn",
    "redis_endpoint",
    "sns_topic_arn",
)

# Luneo: what operators and the workflows read (clusters, database, cache, assets, CDN, images, DNS, alerts).
LUNEO_OUTPUTS = (
    "primary_eks_cluster_name",
    "secondary_eks_cluster_name",
    "primary_eks_cluster_endpoint",
    "secondary_eks_cluster_endpoint",
    "database_endpoint",
    "database_secret_arn",
    "redis_endpoint",
    "assets_bucket_name",
    "assets_replica_bucket_name",
    "cdn_domain_name",
    "cdn_distribution_id",
    "ecr_repository_urls",
    "secondary_ecr_repository_urls",
    "sns_topic_arn",
    "secondary_sns_topic_arn",
    "failover_record_name",
    "health_check_ids",
)
