"""Solobase's product logic (infra/systems/solobase/): the tenant registry, placement, the tenant commands."""
