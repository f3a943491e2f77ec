"""Commands beyond the pipeline: doctor, authoring (init/add/import), explain, graph, the ARM client."""
