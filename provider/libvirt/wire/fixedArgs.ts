/** The value of a flags word when no flag is set (and of every flags word libvirt reserves). */
export const NO_FLAGS = 0;

/**
 * `need_results` of the list-all procedures: 1 asks for the objects,
 * 0 only for their count.
 */
export const NEED_RESULTS = 1;

/** `parent_index` of NETWORK_UPDATE meaning "the first or only parent element" (e.g. the only `<ip>`). */
export const FIRST_OR_ONLY_PARENT = -1;
