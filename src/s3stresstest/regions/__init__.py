"""Reference data beside the campaign: NUTS regions, boundaries, adjacency, statistics, peers."""
