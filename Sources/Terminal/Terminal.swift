/// The terminal kit: cells, buffers, layout and widgets, with no HPO in it.
