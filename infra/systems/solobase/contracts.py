"""The names by which one Solobase stack finds another's resources: one owner, used by both sides.

The platform stack names its network, cluster, load balancer, keys and
shards with these (its ContainerPlatform takes :attr:`Names.platform`); a
customer instance's stack looks them up with the same; the shard's
databases stack writes each instance's database secret under the name the
instance reads. Stack ids live here too, so the registry's stack list, the
operator commands and the stacks agree. Data only.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.naming import PlatformNames
from infra.systems.solobase.tenants import Tenant


@dataclass(frozen=True)
class Names:
    """Every cross-stack name of one Solobase environment."""

    environment: str

    @property
    def prefix(self) -> str:
        """Every platform resource's name starts with it (``solobase-<env>``)."""
        return f"solobase-{self.environment}"

    # Stacks.
    @property
    def platform_stack_id(self) -> str:
        return self.prefix

    def shard_stack_id(self, shard: str) -> str:
        return f"{self.prefix}-shard-{shard}-databases"

    def tenant_stack_id(self, subdomain: str) -> str:
        return f"{self.prefix}-tenant-{subdomain}"

    # What the platform makes and the instances look up.
    @property
    def platform(self) -> PlatformNames:
        """The platform's network (VPC ``<network>-vpc``), ECS cluster, HTTPS ALB (whose listener the ECS
        runtime's host rules join), secrets key and data key: the platform stack's ContainerPlatform is
        named by these, and the instances and shards look them up by the same."""
        return PlatformNames.of(self.prefix)

    @property
    def instances_key_alias(self) -> str:
        """The key of the Lambda instances' environments."""
        return f"{self.prefix}-instances"

    @property
    def backup_key_alias(self) -> str:
        """The key, in the backup region, encrypting the copies of the environment's automated database backups."""
        return f"{self.prefix}-backups"

    @property
    def instance_repository(self) -> str:
        """The ECR repository of the ECS runtime's images."""
        return f"{self.prefix}-instance"

    def shard_identifier(self, shard: str) -> str:
        """The shared RDS instance ``shard`` (``solobase-shared-<env>-NN``, the document's name)."""
        return f"solobase-shared-{self.environment}-{shard}"

    # Who may open a connection to a database: security groups the database admits, by name.
    def shard_clients_group(self, shard: str) -> str:
        """The security group of the instances on ``shard``: the shard admits it on 5432, the platform makes
        it, each instance on the shard puts its function or tasks in it."""
        return f"{self.shard_identifier(shard)}-clients"

    def dedicated_clients_group(self, tenant: Tenant) -> str:
        """The security group a Business instance's function or tasks join to reach its own RDS instance."""
        return f"{self.dedicated_identifier(tenant)}-clients"

    @property
    def database_operators_group(self) -> str:
        """The security group every shard and dedicated instance admits for operators: the runner of the
        shards' databases stacks and of ``make tenant-move``'s dump and restore joins it. The platform makes it."""
        return f"{self.prefix}-database-operators"

    # What the shard's databases stack writes and the instance reads; what the instance stack makes.
    def database_secret(self, instance_id: str) -> str:
        """The secret of an instance's database role on its shard."""
        return f"{self.prefix}/{instance_id}/database"

    def origin_secret(self, instance_id: str) -> str:
        """The secret holding the header value only the instance's distribution sends its API (Lambda runtime)."""
        return f"{self.prefix}/{instance_id}/origin"

    def b2_secret(self, instance_id: str) -> str:
        """The secret operators fill with the instance's Backblaze B2 key id and app key."""
        return f"{self.prefix}/{instance_id}/b2"

    def dumps_bucket(self, account: str) -> str:
        """The bucket of removed customers' final database dumps (``account``: the AWS account id)."""
        return f"{self.prefix}-database-dumps-{account}"

    def dedicated_identifier(self, tenant: Tenant) -> str:
        """A Business instance's own RDS instance."""
        return f"solobase-dedicated-{self.environment}-{tenant.id8}"
