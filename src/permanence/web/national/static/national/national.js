// The national workspace: draw each chart from the spec beside it. Every chart's data is
// also in a table on the page, so nothing is lost without JavaScript.
(function () {
  "use strict";

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      window.vegaEmbed(element, spec, { actions: false, renderer: "svg" })
        .then(function () { element.setAttribute("data-rendered", "true"); })
        .catch(function () {
          element.textContent = "The chart could not be drawn: the table below holds everything it shows.";
        });
    });
  }

  document.addEventListener("DOMContentLoaded", drawCharts);
})();
