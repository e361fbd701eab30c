// Generated from openapi.json by `npm run openapi`; do not edit.
export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Version and reachability of storage and Key Vault (503 names the failing part) */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The connections the caller may use, in id order, paged with top and $skipToken */
        get: operations["connections-list"];
        put?: never;
        /** Connect an Iterable project; the API key is checked with Iterable first */
        post: operations["connections-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/connections/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one connection */
        get: operations["connections-get"];
        put?: never;
        post?: never;
        /** Delete a connection and its key (409 while exports use it, unless force=true: then their runs are cancelled and their schedules removed first) */
        delete: operations["connections-delete"];
        options?: never;
        head?: never;
        /** Rename, allow or disallow contributors, rotate the key, change export users; enabled: false stops its runs */
        patch: operations["connections-update"];
        trace?: never;
    };
    "/api/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who did what, when; newest first, paged with top and $skipToken */
        get: operations["audit-list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/segments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the segments found in snapshot storage, with their columns */
        get: operations["segments-list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/segments/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one segment by name (URL-encoded), with its columns */
        get: operations["segments-get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's exports in id order, paged with top and $skipToken */
        get: operations["exports-list"];
        put?: never;
        /** Save an export (segments → Iterable lists); saving does not run it */
        post: operations["exports-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One export */
        get: operations["exports-get"];
        put?: never;
        post?: never;
        /** Delete an export, cancelling its active run */
        delete: operations["exports-delete"];
        options?: never;
        head?: never;
        /** Change an export (validated as on create) */
        patch: operations["exports-update"];
        trace?: never;
    };
    "/api/exports/{id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An export's runs, newest first, paged with top and $skipToken */
        get: operations["runs-list"];
        put?: never;
        /** Run an export now: 202 with Operation-Location; 409 with the active run while one is active */
        post: operations["runs-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{id}/runs/{runId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One run, with its status, counts and progress */
        get: operations["runs-get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{id}/runs/{runId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel an active run */
        post: operations["runs-cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{id}/runs/{runId}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Let a run held by the mass-removal guard (awaitingConfirmation) send its changes, removals included */
        post: operations["runs-confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{id}/runs/{runId}/rejections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run's rejected rows with their reason, paged with top and $skipToken */
        get: operations["runs-rejections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's refresh schedule (404 until one is set), and whether the platform reports refreshes */
        get: operations["schedule-get"];
        /** Set the tenant's refresh schedule: {cron, timeZone} */
        put: operations["schedule-put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's webhooks, in id order, paged with top and $skipToken */
        get: operations["webhooks-list"];
        put?: never;
        /** Register a webhook: CloudEvents of runs and connections, signed with its secret */
        post: operations["webhooks-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one webhook with its latest delivery */
        get: operations["webhooks-get"];
        put?: never;
        post?: never;
        /** Delete a webhook and its secret; queued deliveries to it are dropped */
        delete: operations["webhooks-delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/refreshes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The platform's refresh is done: every refresh export of the tenant runs once on the snapshots as they are now (202); the same refreshedAt again starts nothing new */
        post: operations["refreshes-report"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API as an OpenAPI 3.1 document */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        HealthReport: {
            /** @enum {string} */
            status: "healthy" | "unhealthy";
            version: string;
            checks: {
                storage: {
                    /** @enum {string} */
                    status: "healthy" | "unhealthy";
                    reason?: string;
                };
                keyVault: {
                    /** @enum {string} */
                    status: "healthy" | "unhealthy";
                    reason?: string;
                };
            };
        };
        UnhealthyReport: {
            /** @enum {string} */
            status: "healthy" | "unhealthy";
            version: string;
            checks: {
                storage: {
                    /** @enum {string} */
                    status: "healthy" | "unhealthy";
                    reason?: string;
                };
                keyVault: {
                    /** @enum {string} */
                    status: "healthy" | "unhealthy";
                    reason?: string;
                };
            };
            error: {
                code: string;
                message: string;
                target?: string;
                details?: {
                    code: string;
                    message: string;
                    target?: string;
                }[];
                innererror?: {
                    [key: string]: unknown;
                };
            };
        };
        /**
         * @example {
         *       "error": {
         *         "code": "InvalidRequest",
         *         "message": "The request body is not valid.",
         *         "target": "displayName",
         *         "details": [
         *           {
         *             "code": "MissingField",
         *             "message": "'displayName' is required.",
         *             "target": "displayName"
         *           }
         *         ]
         *       }
         *     }
         */
        ErrorResponse: {
            error: {
                code: string;
                message: string;
                target?: string;
                details?: {
                    code: string;
                    message: string;
                    target?: string;
                }[];
                innererror?: {
                    [key: string]: unknown;
                };
            };
        };
        Connection: {
            /** Format: uuid */
            id: string;
            displayName: string;
            /**
             * @description Iterable's data center for the project
             * @enum {string}
             */
            region: "us" | "eu";
            allowContributors: boolean;
            /** @description Users (oid) who may use this connection in exports */
            exportUsers: string[];
            consent: {
                /** @constant */
                accepted: true;
                acceptedBy: string;
                /** Format: date-time */
                acceptedAt: string;
            };
            /** @description The last four characters of the API key */
            keyHint: string;
            /** @description Most requests per second this connection sends to Iterable, over all instances */
            requestsPerSecond?: number;
            /** @description A disabled connection runs no export until enabled again */
            enabled: boolean;
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** Format: date-time */
            updatedAt: string;
            updatedBy: string;
        };
        ConnectionCreate: {
            displayName: string;
            /** @description Write-only: stored in Key Vault, never returned */
            apiKey: string;
            /**
             * @description Iterable's data center for the project
             * @default us
             * @enum {string}
             */
            region: "us" | "eu";
            /** @default false */
            allowContributors: boolean;
            consent: {
                /** @constant */
                accepted: true;
            };
            /** @description Adds the calling user as export user (default true); an app names users in exportUsers */
            addSelfAsExportUser?: boolean;
            /** @description Users (oid) who may use this connection in exports */
            exportUsers?: string[];
            /** @description Most requests per second this connection sends to Iterable, over all instances */
            requestsPerSecond?: number;
        };
        ConnectionPatch: {
            displayName?: string;
            /** @description Rotates the key: checked with Iterable, stored as a new secret version */
            apiKey?: string;
            allowContributors?: boolean;
            addExportUsers?: string[];
            removeExportUsers?: string[];
            /** @description null removes the cap */
            requestsPerSecond?: number | null;
            /** @description Kill switch: false cancels the active runs of the connection's exports and refuses new runs until true */
            enabled?: boolean;
        };
        AuditEntry: {
            id: string;
            /** Format: date-time */
            at: string;
            /** @description The tenant acted for */
            tenantId: string;
            /** @description Who acted: the user's oid, or the client id of an app */
            actor: string;
            /**
             * @description app: the platform acting for the tenant with its own identity
             * @enum {string}
             */
            actorType: "user" | "app";
            /** @description For an app: the tenant of the app's own identity (the token's tid) */
            appTenantId?: string;
            /** @description e.g. connection.create */
            action: string;
            resourceType: string;
            resourceId: string;
            /** @description Changed fields, from → to; secrets appear only as "rotated" with a key hint */
            changes: {
                [key: string]: unknown;
            };
        };
        Segment: {
            name: string;
            /** @enum {string} */
            format: "csv" | "jsonl";
            compressed: boolean;
            columns: string[];
            sizeBytes: number;
            /** Format: date-time */
            updatedAt: string;
            problem?: components["schemas"]["SegmentProblem"];
        };
        /** @description Why the segment cannot be exported as it is; its columns are then empty */
        SegmentProblem: {
            /** @enum {string} */
            code: "EmptyHeader" | "UnreadableHeader" | "HeaderTooLong" | "AmbiguousSnapshot";
            message: string;
        };
        Export: {
            /** Format: uuid */
            id: string;
            displayName: string;
            /** Format: uuid */
            connectionId: string;
            segments: string[];
            emailField: string;
            dataFields: {
                [key: string]: string;
            };
            /**
             * @description mirror: the list ends equal to the segment; addOnly: never removes
             * @enum {string}
             */
            syncMode: "mirror" | "addOnly";
            /** @description refresh: with every tenant refresh; custom: its own cron and time zone; off: on demand only */
            schedule: {
                /** @constant */
                mode: "refresh";
            } | {
                /** @constant */
                mode: "custom";
                cron: string;
                timeZone: string;
            } | {
                /** @constant */
                mode: "off";
            };
            enabled: boolean;
            removalThresholds?: components["schemas"]["RemovalThresholds"];
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** Format: date-time */
            updatedAt: string;
            updatedBy: string;
        };
        RemovalThresholds: {
            /** @description Removals taking a list more than this share below its recent size need an Admin */
            guardPercent?: number;
            /** @description Runs removing fewer members than this are never held */
            guardMinCount?: number;
            /** @description Rows without the e-mail key or column (%) above which no one is removed */
            missingEmailKeyPercent?: number;
            /** @description Rise in rows without a usable e-mail (percentage points) that holds removals */
            missingEmailJumpPercent?: number;
            /** @description Unreadable lines without a known e-mail a run may meet and still remove */
            unreadableLines?: number;
        };
        ExportCreate: {
            displayName: string;
            /** Format: uuid */
            connectionId: string;
            /** @description Each segment becomes an Iterable list with exactly its name */
            segments: components["schemas"]["SegmentName"][];
            /** @description The segment column holding the e-mail address */
            emailField: string;
            /**
             * @description Iterable field name → segment column
             * @default {}
             */
            dataFields: {
                [key: string]: string;
            };
            /**
             * @description mirror: the list ends equal to the segment; addOnly: never removes
             * @default mirror
             * @enum {string}
             */
            syncMode: "mirror" | "addOnly";
            /**
             * @description refresh: with every tenant refresh; custom: its own cron and time zone; off: on demand only
             * @default {
             *       "mode": "refresh"
             *     }
             */
            schedule: {
                /** @constant */
                mode: "refresh";
            } | {
                /** @constant */
                mode: "custom";
                cron: string;
                timeZone: string;
            } | {
                /** @constant */
                mode: "off";
            };
            /**
             * @description A disabled export does not run on schedule
             * @default true
             */
            enabled: boolean;
            removalThresholds?: components["schemas"]["RemovalThresholds"];
        };
        /** @description The snapshot blob name without its extensions */
        SegmentName: string;
        ExportPatch: {
            displayName?: string;
            /** Format: uuid */
            connectionId?: string;
            /** @description Each segment becomes an Iterable list with exactly its name */
            segments?: components["schemas"]["SegmentName"][];
            /** @description The segment column holding the e-mail address */
            emailField?: string;
            /** @description Iterable field name → segment column */
            dataFields?: {
                [key: string]: string;
            };
            /**
             * @description mirror: the list ends equal to the segment; addOnly: never removes
             * @enum {string}
             */
            syncMode?: "mirror" | "addOnly";
            /** @description refresh: with every tenant refresh; custom: its own cron and time zone; off: on demand only */
            schedule?: {
                /** @constant */
                mode: "refresh";
            } | {
                /** @constant */
                mode: "custom";
                cron: string;
                timeZone: string;
            } | {
                /** @constant */
                mode: "off";
            };
            /** @description A disabled export does not run on schedule */
            enabled?: boolean;
            removalThresholds?: components["schemas"]["RemovalThresholds"];
        };
        Run: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            exportId: string;
            /** @enum {string} */
            trigger: "manual" | "schedule" | "refresh";
            /**
             * Format: date-time
             * @description For scheduled runs: the scheduled time; for refresh runs: the refresh's time
             */
            slot?: string;
            requestedBy?: string;
            /** @enum {string} */
            mode: "delta" | "full";
            dryRun: boolean;
            /** @enum {string} */
            status: "queued" | "planning" | "awaitingConfirmation" | "running" | "succeeded" | "partiallySucceeded" | "failed" | "cancelled" | "skipped";
            counts: {
                /** @description Valid unique members of the segment */
                total: number;
                /** @description New to the list */
                added: number;
                /** @description Re-sent for changed data fields */
                updated: number;
                removed: number;
                unchanged: number;
                /** @description Invalid rows or members Iterable refused */
                rejected: number;
                /** @description Members not sent because a batch failed; retried next run */
                failed: number;
            };
            percentComplete: number;
            segments: {
                name: string;
                listId?: number;
                /** @description The list was new to this export (created, recreated or adopted): all sent */
                sentInFull?: boolean;
                /** @description The snapshot version planned; planning again reads exactly this one */
                snapshotEtag?: string;
                counts: {
                    /** @description Valid unique members of the segment */
                    total: number;
                    /** @description New to the list */
                    added: number;
                    /** @description Re-sent for changed data fields */
                    updated: number;
                    removed: number;
                    unchanged: number;
                    /** @description Invalid rows or members Iterable refused */
                    rejected: number;
                    /** @description Members not sent because a batch failed; retried next run */
                    failed: number;
                };
            }[];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            startedAt?: string;
            /** Format: date-time */
            finishedAt?: string;
            /** @description Batches planned (set when the run starts sending) */
            batchCount?: number;
            /**
             * Format: date-time
             * @description While running: when the run should end at the pace of its batches so far
             */
            estimatedFinishAt?: string;
            error?: {
                code: string;
                message: string;
            };
            /** @description Why the run waits (awaitingConfirmation) for an Admin to confirm or cancel it */
            confirmation?: {
                message: string;
                thresholdPercent: number;
                segments: {
                    name: string;
                    listSize: number;
                    removing: number;
                    /** @description The largest confirmed size in the guard window, when above listSize */
                    recentLargestSize?: number;
                    percent: number;
                }[];
            };
            /** @description Removals held because a snapshot looked damaged; the run partly succeeded */
            warnings?: {
                /** @enum {string} */
                code: "emailKeyMissing" | "missingEmailJump" | "unreadableLines";
                segment: string;
                message: string;
                /** @description The first lines (CSV rows) that show it */
                lines: number[];
            }[];
            /** @description For a skipped slot: why it did not run */
            skipReason?: {
                /** @enum {string} */
                code: "RunActive" | "ConnectionNotFound" | "ConnectionDisabled" | "ExportDisabled" | "SnapshotsUnchanged";
                message: string;
            };
        };
        RunRequest: {
            /**
             * @description delta sends only what changed
             * @default delta
             * @enum {string}
             */
            mode: "delta" | "full";
            /**
             * @description Plan and count, send nothing
             * @default false
             */
            dryRun: boolean;
        };
        Rejection: {
            /** @description As it was in the snapshot (trimmed), or as sent to Iterable */
            email: string;
            /** @description invalidEmail, missingEmail, unreadableRow (a broken JSON line or CSV quotes), invalidUtf8 (a mapped value with bytes that are not UTF-8), memberTooLarge (over what one request may carry), or the failedUpdates kind Iterable gave */
            reason: string;
            /** @description Where the row is in the snapshot */
            line?: number;
        };
        TenantScheduleView: {
            cron: string;
            timeZone: string;
            /** Format: date-time */
            updatedAt: string;
            updatedBy: string;
            /** @description Set once the platform reports refreshes (POST /api/refreshes): refresh exports then run on those reports, not on the cron */
            platformRefreshes?: {
                /**
                 * Format: date-time
                 * @description The refresh time of the last refresh reported
                 */
                lastRefreshedAt: string;
                /**
                 * Format: date-time
                 * @description When it was reported
                 */
                lastReportedAt: string;
            };
        };
        TenantSchedule: {
            cron: string;
            timeZone: string;
            /** Format: date-time */
            updatedAt: string;
            updatedBy: string;
        };
        TenantScheduleInput: {
            cron: string;
            timeZone: string;
        };
        Webhook: {
            /** Format: uuid */
            id: string;
            url: string;
            events: ("com.iterable-segment-export.run.succeeded" | "com.iterable-segment-export.run.partially-succeeded" | "com.iterable-segment-export.run.failed" | "com.iterable-segment-export.run.awaiting-confirmation" | "com.iterable-segment-export.connection.key-rejected")[];
            /** @description The last four characters of the secret */
            secretHint: string;
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description The latest delivery attempt */
            lastDelivery?: components["schemas"]["WebhookDelivery"];
        };
        WebhookDelivery: {
            eventId: string;
            /** @enum {string} */
            type: "com.iterable-segment-export.run.succeeded" | "com.iterable-segment-export.run.partially-succeeded" | "com.iterable-segment-export.run.failed" | "com.iterable-segment-export.run.awaiting-confirmation" | "com.iterable-segment-export.connection.key-rejected";
            /** Format: date-time */
            at: string;
            attempt: number;
            /** @enum {string} */
            status: "delivered" | "retrying" | "failed";
            /** @description The receiver's HTTP status, if any */
            responseStatus?: number;
            /** @description Why the attempt failed */
            error?: string;
        };
        WebhookCreate: {
            /**
             * Format: uri
             * @description https URL of a public host; every delivery is a POST here
             */
            url: string;
            /** @description Write-only HMAC-SHA256 key that signs each delivery (webhook-signature); kept in Key Vault */
            secret: string;
            /** @description CloudEvents types to deliver; omitted means all */
            events?: ("com.iterable-segment-export.run.succeeded" | "com.iterable-segment-export.run.partially-succeeded" | "com.iterable-segment-export.run.failed" | "com.iterable-segment-export.run.awaiting-confirmation" | "com.iterable-segment-export.connection.key-rejected")[];
        };
        RefreshResult: {
            /** Format: date-time */
            refreshedAt: string;
            value: components["schemas"]["RefreshExportOutcome"][];
        };
        RefreshExportOutcome: {
            /** Format: uuid */
            exportId: string;
            displayName: string;
            /**
             * @description deferred: a fair-use limit was reached; nothing was recorded, so the same call again may start it
             * @enum {string}
             */
            outcome: "started" | "skipped" | "deferred";
            /** @description An earlier call for this refresh already did this; nothing new was started */
            repeated: boolean;
            /** Format: uuid */
            runId?: string;
            /** @description The run resource (as Operation-Location) */
            location?: string;
            /**
             * @description The run status now
             * @enum {string}
             */
            status?: "queued" | "planning" | "awaitingConfirmation" | "running" | "succeeded" | "partiallySucceeded" | "failed" | "cancelled" | "skipped";
            skipReason?: {
                /** @enum {string} */
                code: "RunActive" | "ConnectionNotFound" | "ConnectionDisabled" | "ExportDisabled" | "SnapshotsUnchanged";
                message: string;
            };
            /** @description For deferred: the limit that was reached */
            error?: {
                code: string;
                message: string;
                target?: string;
            };
        };
        RefreshRequest: {
            /**
             * Format: date-time
             * @description When the platform finished writing the snapshots; names the refresh, so a retry with the same value starts nothing new
             */
            refreshedAt: string;
            /** @description The segments the refresh wrote; only exports using one of them run */
            segments?: components["schemas"]["SegmentName"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthReport"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A dependency is unreachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UnhealthyReport"];
                };
            };
        };
    };
    "connections-list": {
        parameters: {
            query?: {
                top?: number;
                $skipToken?: string;
            };
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        value: components["schemas"]["Connection"][];
                        /** Format: uri */
                        nextLink?: string;
                    };
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "connections-create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectionCreate"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    /** @description The URL of the created item */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connection"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A connection of the same name exists (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "A connection of the same name exists."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than 1 MB (PayloadTooLarge) */
            413: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example PayloadTooLarge
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PayloadTooLarge",
                     *         "message": "The body is larger than 1 MB."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not declared JSON (UnsupportedMediaType) */
            415: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example UnsupportedMediaType
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UnsupportedMediaType",
                     *         "message": "The body is not declared JSON."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Iterable or Key Vault failed while the key was checked or stored (DependencyFailed) */
            502: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example DependencyFailed
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DependencyFailed",
                     *         "message": "Iterable or Key Vault failed while the key was checked or stored."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "connections-get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connection"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "connections-delete": {
        parameters: {
            query?: {
                /** @description true: also when exports use it: cancels their active runs, removes their schedules and keeps them without a connection */
                force?: "true" | "false";
            };
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Exports use the connection (they are named in details); force=true deletes anyway (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "Exports use the connection (they are named in details); force=true deletes anyway."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Key Vault failed while the key was deleted (DependencyFailed) */
            502: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example DependencyFailed
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DependencyFailed",
                     *         "message": "Key Vault failed while the key was deleted."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "connections-update": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectionPatch"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connection"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A connection of the new name exists, or the connection changed meanwhile (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "A connection of the new name exists, or the connection changed meanwhile."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than 1 MB (PayloadTooLarge) */
            413: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example PayloadTooLarge
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PayloadTooLarge",
                     *         "message": "The body is larger than 1 MB."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not declared JSON (UnsupportedMediaType) */
            415: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example UnsupportedMediaType
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UnsupportedMediaType",
                     *         "message": "The body is not declared JSON."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Iterable or Key Vault failed while the key was checked or stored (DependencyFailed) */
            502: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example DependencyFailed
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DependencyFailed",
                     *         "message": "Iterable or Key Vault failed while the key was checked or stored."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "audit-list": {
        parameters: {
            query?: {
                top?: number;
                $skipToken?: string;
            };
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        value: components["schemas"]["AuditEntry"][];
                        /** Format: uri */
                        nextLink?: string;
                    };
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "segments-list": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        value: components["schemas"]["Segment"][];
                        /** Format: uri */
                        nextLink?: string;
                    };
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Snapshot storage could not be listed (DependencyFailed) */
            502: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example DependencyFailed
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DependencyFailed",
                     *         "message": "Snapshot storage could not be listed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "segments-get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Segment"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The snapshot could not be read (DependencyFailed) */
            502: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example DependencyFailed
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DependencyFailed",
                     *         "message": "The snapshot could not be read."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "exports-list": {
        parameters: {
            query?: {
                top?: number;
                $skipToken?: string;
            };
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        value: components["schemas"]["Export"][];
                        /** Format: uri */
                        nextLink?: string;
                    };
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "exports-create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExportCreate"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    /** @description The URL of the created item */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Export"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description ListTaken: another export, in any tenant, writes one of its lists through the same Iterable project (the owner is named only to its own tenant) (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "ListTaken: another export, in any tenant, writes one of its lists through the same Iterable project (the owner is named only to its own tenant)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than 1 MB (PayloadTooLarge) */
            413: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example PayloadTooLarge
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PayloadTooLarge",
                     *         "message": "The body is larger than 1 MB."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not declared JSON (UnsupportedMediaType) */
            415: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example UnsupportedMediaType
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UnsupportedMediaType",
                     *         "message": "The body is not declared JSON."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The tenant has as many exports as MAX_EXPORTS_PER_TENANT allows (TenantExportLimit, TenantActiveRunLimit, ConnectionActiveRunLimit) */
            429: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TenantExportLimit
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TenantExportLimit",
                     *         "message": "The tenant has as many exports as MAX_EXPORTS_PER_TENANT allows."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "exports-get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Export"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "exports-delete": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Other exports were saved or deleted at the same moment (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "Other exports were saved or deleted at the same moment."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "exports-update": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExportPatch"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Export"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description ListTaken: another export, in any tenant, writes one of its lists through the same Iterable project (the owner is named only to its own tenant); or the export changed since it was read (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "ListTaken: another export, in any tenant, writes one of its lists through the same Iterable project (the owner is named only to its own tenant); or the export changed since it was read."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than 1 MB (PayloadTooLarge) */
            413: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example PayloadTooLarge
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PayloadTooLarge",
                     *         "message": "The body is larger than 1 MB."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not declared JSON (UnsupportedMediaType) */
            415: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example UnsupportedMediaType
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UnsupportedMediaType",
                     *         "message": "The body is not declared JSON."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "runs-list": {
        parameters: {
            query?: {
                top?: number;
                $skipToken?: string;
            };
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        value: components["schemas"]["Run"][];
                        /** Format: uri */
                        nextLink?: string;
                    };
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "runs-create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RunRequest"];
            };
        };
        responses: {
            /** @description Success */
            202: {
                headers: {
                    /** @description The URL of the run, to follow its progress */
                    "Operation-Location": string;
                    /** @description The URL of the run */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description RunActive: a run of this export is still active (its id is in the error) (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "RunActive: a run of this export is still active (its id is in the error)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than 1 MB (PayloadTooLarge) */
            413: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example PayloadTooLarge
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PayloadTooLarge",
                     *         "message": "The body is larger than 1 MB."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not declared JSON (UnsupportedMediaType) */
            415: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example UnsupportedMediaType
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UnsupportedMediaType",
                     *         "message": "The body is not declared JSON."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The tenant or the connection has as many active runs as MAX_ACTIVE_RUNS_PER_TENANT or MAX_ACTIVE_RUNS_PER_CONNECTION allows (TenantExportLimit, TenantActiveRunLimit, ConnectionActiveRunLimit) */
            429: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TenantExportLimit
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TenantExportLimit",
                     *         "message": "The tenant or the connection has as many active runs as MAX_ACTIVE_RUNS_PER_TENANT or MAX_ACTIVE_RUNS_PER_CONNECTION allows."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Storage failed while the run was being queued (DependencyFailed) */
            502: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example DependencyFailed
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DependencyFailed",
                     *         "message": "Storage failed while the run was being queued."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "runs-get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "runs-cancel": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The run is not in a state this action applies to, or changed meanwhile (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "The run is not in a state this action applies to, or changed meanwhile."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Storage failed while the run was being changed (DependencyFailed) */
            502: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example DependencyFailed
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DependencyFailed",
                     *         "message": "Storage failed while the run was being changed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "runs-confirm": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The run is not in a state this action applies to, or changed meanwhile (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "The run is not in a state this action applies to, or changed meanwhile."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Storage failed while the run was being changed (DependencyFailed) */
            502: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example DependencyFailed
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "DependencyFailed",
                     *         "message": "Storage failed while the run was being changed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "runs-rejections": {
        parameters: {
            query?: {
                top?: number;
                $skipToken?: string;
            };
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        value: components["schemas"]["Rejection"][];
                        /** Format: uri */
                        nextLink?: string;
                    };
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "schedule-get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantScheduleView"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No refresh schedule is set (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "No refresh schedule is set."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "schedule-put": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TenantScheduleInput"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantSchedule"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than 1 MB (PayloadTooLarge) */
            413: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example PayloadTooLarge
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PayloadTooLarge",
                     *         "message": "The body is larger than 1 MB."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not declared JSON (UnsupportedMediaType) */
            415: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example UnsupportedMediaType
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UnsupportedMediaType",
                     *         "message": "The body is not declared JSON."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "webhooks-list": {
        parameters: {
            query?: {
                top?: number;
                $skipToken?: string;
            };
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        value: components["schemas"]["Webhook"][];
                        /** Format: uri */
                        nextLink?: string;
                    };
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "webhooks-create": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCreate"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    /** @description The URL of the created item */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The tenant has the most webhooks allowed (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "The tenant has the most webhooks allowed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than 1 MB (PayloadTooLarge) */
            413: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example PayloadTooLarge
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PayloadTooLarge",
                     *         "message": "The body is larger than 1 MB."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not declared JSON (UnsupportedMediaType) */
            415: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example UnsupportedMediaType
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UnsupportedMediaType",
                     *         "message": "The body is not declared JSON."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "webhooks-get": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "webhooks-delete": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found (or not visible to the caller) (NotFound) */
            404: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example NotFound
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "NotFound",
                     *         "message": "Not found (or not visible to the caller)."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "refreshes-report": {
        parameters: {
            query?: never;
            header?: {
                /** @description The tenant a Platform app token acts for (required with such a token; ignored with a user's) */
                "x-tenant-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description Success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshResult"];
                };
            };
            /** @description The request is not valid; details name each field (InvalidRequest, TenantRequired, InvalidTenant) */
            400: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InvalidRequest
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InvalidRequest",
                     *         "message": "The request is not valid; details name each field."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid bearer token (Unauthorized) */
            401: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Unauthorized
                     */
                    "x-ms-error-code": string;
                    /** @description The scheme to authenticate with */
                    "WWW-Authenticate": "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Unauthorized",
                     *         "message": "No valid bearer token."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The caller’s role (or app) may not do this (Forbidden) */
            403: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Forbidden
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Forbidden",
                     *         "message": "The caller’s role (or app) may not do this."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description An export of the refresh kept conflicting; report it again (Conflict, ListTaken, RunActive) */
            409: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example Conflict
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "Conflict",
                     *         "message": "An export of the refresh kept conflicting; report it again."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is larger than 1 MB (PayloadTooLarge) */
            413: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example PayloadTooLarge
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "PayloadTooLarge",
                     *         "message": "The body is larger than 1 MB."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body is not declared JSON (UnsupportedMediaType) */
            415: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example UnsupportedMediaType
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "UnsupportedMediaType",
                     *         "message": "The body is not declared JSON."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed (TokenIssuerUnavailable, NewerSchemaVersion) */
            503: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example TokenIssuerUnavailable
                     */
                    "x-ms-error-code": string;
                    /**
                     * @description Seconds to wait before sending the same request again
                     * @example 30
                     */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "TokenIssuerUnavailable",
                     *         "message": "Unavailable for now: the token issuer cannot be reached, or a newer release is being deployed."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unexpected error; the message carries an error id (InternalError) */
            500: {
                headers: {
                    /**
                     * @description The same code as error.code
                     * @example InternalError
                     */
                    "x-ms-error-code": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "code": "InternalError",
                     *         "message": "Unexpected error; the message carries an error id."
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
