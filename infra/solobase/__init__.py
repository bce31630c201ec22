"""Solobase's product logic that is not infrastructure: the tenant registry, placement on shards, its commands."""
