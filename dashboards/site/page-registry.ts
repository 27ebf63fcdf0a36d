/**
 * The site's pages, declared in one place: each module says which pages it writes (path and title) and
 * renders one of them from the site's data. A new page is one new module and one line in PAGES.
 */
import { dataPage } from "../pages/data.page.ts";
import { definitionsPage } from "../pages/definitions.page.ts";
import { indexPage } from "../pages/index.page.ts";
import { overviewPage } from "../pages/overview.page.ts";
import { reviewPage } from "../pages/review.page.ts";
import { teamPage } from "../pages/team.page.ts";
import type { SiteData } from "./site-data.ts";
import type { NavLink } from "./site-layout.ts";

export interface PageSpec {
  /** Site-relative path, e.g. `reviews/2026-03.html`. */
  path: string;
  title: string;
  /** What the module needs to find its data again (a month, a team). */
  key: string;
}

/** A file a page links to (e.g. the whole of a list the page shows the head of, as CSV). */
export interface SiteFile {
  /** Site-relative path. */
  path: string;
  content: string;
}

export interface PageModule {
  name: string;
  /** What it evaluates and shows, for the maintainer reading this list. */
  description: string;
  pages(site: SiteData): PageSpec[];
  render(site: SiteData, page: PageSpec, nav: readonly NavLink[]): string;
  /** Files written beside the page, which it links to. */
  files?(site: SiteData, page: PageSpec): SiteFile[];
}

export const PAGES: readonly PageModule[] = [
  indexPage,
  reviewPage,
  teamPage,
  definitionsPage,
  dataPage,
  overviewPage,
];

/**
 * The navigation every page shares. It names no month or team, so a frozen review's page keeps the same
 * bytes as later months arrive; the home page lists the reviews and teams.
 */
export const NAV: readonly NavLink[] = [
  { path: "index.html", label: "Home" },
  { path: "index.html#reviews", label: "Monthly reviews" },
  { path: "index.html#teams", label: "Teams" },
  { path: "definitions.html", label: "Definitions" },
  { path: "data.html", label: "Data trust" },
  { path: "overview.html", label: "Weekly overview" },
];
