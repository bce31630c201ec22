"""Elastic Load Balancing (v2): load balancers."""

from __future__ import annotations

from emulator.fills import fill


@fill(
    behaviour="DeleteLoadBalancer refuses a load balancer whose deletion protection is on (OperationNotPermitted).",
    reference="https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html",
)
def load_balancer_deletion_protection() -> None:
    """A load balancer with ``deletion_protection.enabled`` true cannot be deleted, as on AWS.

    moto 5.2.5 stores the attribute (ModifyLoadBalancerAttributes,
    DescribeLoadBalancerAttributes) but DeleteLoadBalancer deletes the load
    balancer whatever it says, so a destroy of a protected environment looks
    fine on the emulator and fails on AWS. Here DeleteLoadBalancer of a
    protected load balancer fails with OperationNotPermitted and leaves it in
    place; once the attribute is false it is deleted as before. An unknown ARN
    still succeeds with nothing deleted, as moto and AWS both answer.
    """
    from moto.elbv2.exceptions import ELBClientError
    from moto.elbv2.models import ELBv2Backend

    class OperationNotPermitted(ELBClientError):
        code = "OperationNotPermitted"

    original = ELBv2Backend.delete_load_balancer

    def delete_load_balancer(self: ELBv2Backend, arn: str) -> None:
        balancer = self.load_balancers.get(arn)
        if balancer is not None and str(balancer.attrs.get("deletion_protection.enabled", "false")).lower() == "true":
            raise OperationNotPermitted(
                f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled"
            )
        original(self, arn)

    ELBv2Backend.delete_load_balancer = delete_load_balancer  # type: ignore[method-assign]
