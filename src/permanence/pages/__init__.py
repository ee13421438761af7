"""What each page shows, worked out from the journeys frame: the page models.

The dashboards (the aims overview, an aim's page, where children wait, a child's
clocks), the improvement record's measures and the report pack all read these functions,
so a figure is worked out once and every page and pack that shows it agrees. Each module
holds one thing:

- ``filters``, ``filter_form``: the filters read from an address, applied to the frame,
  and the form that sets them;
- ``identity``: how children are named (pseudonymous references) and linked on charts;
- ``overview``: the aims at a glance and the children looked after now;
- ``aim_page``: one aim's charts;
- ``stages``: where children wait;
- ``clocks``: a child's clocks against each aim;
- ``measure_series``, ``measure_reading``, ``measure_chart``: an improvement measure's
  points, their reading with the run or control chart rules, and its chart;
- ``tables``: a chart's data as an accessible HTML table and a spreadsheet-safe CSV.

Pure polars and the core (``analysis``, ``charts``): no Django, so every page's content
can be tested and timed without a web server. The web layer gathers the frame and the
records in the authority's scope, caches, and hands the results to its templates.
"""
