//! Faithful simulators of the four carrier APIs (see ../shared/carrier-docs).
