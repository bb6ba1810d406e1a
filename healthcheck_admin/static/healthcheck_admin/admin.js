/* healthcheck_admin: small progressive enhancements; every form also works without this file. */
"use strict";
