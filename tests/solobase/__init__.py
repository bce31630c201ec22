"""Solobase's product logic (infra/solobase/): the tenant registry, placement, the tenant commands."""
