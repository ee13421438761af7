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
