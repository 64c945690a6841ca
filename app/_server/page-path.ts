/** The request header proxy.ts sets to the page's path and query, so layouts (which Next gives neither) can read them. */
export const PAGE_PATH_HEADER = "x-keepcard-page";
