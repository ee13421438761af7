// The Scottish Government Design System's own scripts (installed from npm, served as a
// static file): start every component on the page that asks for one.
import DS from "../vendor/design-system/scripts/design-system.js";

DS.initAll();

// Reflow at 320 px (WCAG 1.4.10): a table wider than the screen scrolls inside its own
// region, named by its caption and reachable from the keyboard, instead of widening the
// page. Templates that know a table is wide wrap it themselves (.table-scroll); this
// wraps the rest.
for (const table of document.querySelectorAll("main table")) {
  if (table.closest(".table-scroll")) continue;
  const region = document.createElement("div");
  region.className = "table-scroll";
  region.setAttribute("role", "region");
  region.setAttribute("tabindex", "0");
  const caption = table.querySelector("caption");
  region.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
  table.parentNode.insertBefore(region, table);
  region.appendChild(table);
}

// A chart wider than the screen (a fixed-width diagram) scrolls inside itself the same
// way; one that takes its container's width simply fits.
for (const chart of document.querySelectorAll("main .chart")) {
  if (chart.hasAttribute("role")) continue;
  const figure = chart.closest("figure");
  const title = figure && figure.querySelector("figcaption .chart-caption, figcaption");
  chart.setAttribute("role", "region");
  chart.setAttribute("tabindex", "0");
  chart.setAttribute("aria-label", "Chart: " + (title ? title.textContent.trim().split("\n")[0] : "the figure"));
}

// A link that is a paragraph on its own ("Add a member", "Download the data") is a target
// to tap: at least 24 px tall (WCAG 2.2, 2.5.8), which an inline link's box is not.
for (const link of document.querySelectorAll("main p > a:only-child")) {
  if (link.parentElement.textContent.trim() === link.textContent.trim()) {
    link.classList.add("link-alone");
  }
}
