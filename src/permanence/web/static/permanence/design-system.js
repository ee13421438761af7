// The Scottish Government Design System's own scripts (installed from npm, served as a
// static file): start every component on the page that asks for one.
import DS from "../vendor/design-system/scripts/design-system.js";

DS.initAll();
