//! The one registry of diff rules: id, level, changelog section, summary and rationale.
//!
//! Checks emit changes by id and never choose a level themselves. The README's rule table is
//! generated from this slice (`rivya-codegen diff --rules-markdown`) and a test keeps the two
//! equal. "Request" means what clients send; "response" means what clients read: response
//! bodies and headers, SSE events and webhook payloads.

use super::{Breaks, Level, Semver};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Breaking,
    Added,
    Changed,
    Deprecated,
    Removed,
    /// Descriptions, summaries, examples: nothing a program can observe.
    Docs,
}

impl Section {
    /// Breaking changes need a major SDK release, documentation a patch, the rest a minor one.
    pub fn bump(self) -> Semver {
        match self {
            Section::Breaking => Semver::Major,
            Section::Docs => Semver::Patch,
            _ => Semver::Minor,
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            Section::Breaking => "Breaking changes",
            Section::Added => "Added",
            Section::Changed => "Changed",
            Section::Deprecated => "Deprecated",
            Section::Removed => "Removed",
            Section::Docs => "Documentation",
        }
    }
}

/// One entry of the registry. Its id is a [`RuleId`], so a check cannot name a rule that does
/// not exist, and every use of a rule can be found from its variant.
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    pub level: Level,
    /// Where the change goes in the SDK's CHANGELOG; also decides the version bump.
    pub section: Section,
    pub summary: &'static str,
    pub rationale: &'static str,
}

/// Declares [`RuleId`] and [`RULES`] from one list, in the same order, so the enum and the
/// registry cannot disagree and `RuleId::rule` is an index rather than a search.
macro_rules! registry {
    ($($variant:ident = $id:literal, $level:expr, $section:expr, $summary:literal, $rationale:literal;)*) => {
        /// The id of a rule of the registry. Shown and serialized as its stable kebab-case
        /// string (`operation-removed`), never reused for another meaning; ordered by that
        /// string, so reports sort as they always have.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl RuleId {
            /// Every id, in registry order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }

        /// The registry, in the order of the README's table.
        pub static RULES: &[Rule] = &[
            $(Rule {
                id: RuleId::$variant,
                level: $level,
                section: $section,
                summary: $summary,
                rationale: $rationale,
            },)*
        ];
    };
}

use Level::{Breaking as B, Info as I, Warning as W};
use Section::{Added, Breaking as Brk, Changed, Deprecated, Docs, Removed};

#[rustfmt::skip]
registry! {
    // Paths, operations, servers.
    OperationRemoved = "operation-removed", B, Brk, "An operation (method and path) was removed.", "Clients calling it get 404 or 405.";
    OperationAdded = "operation-added", I, Added, "An operation was added.", "Nothing existing changes.";
    OperationIdChanged = "operation-id-changed", B, Brk, "An operation's operationId changed.", "The generated SDK names the method after the operationId; code calling the old method stops compiling.";
    OperationTagChanged = "operation-tag-changed", B, Brk, "An operation's first tag changed.", "The generated SDK groups methods by first tag (`client.generations()`); the method moves to another group.";
    ServerRemoved = "server-removed", B, Brk, "A server URL was removed.", "Clients using it as their base URL lose the API.";
    ServerAdded = "server-added", I, Added, "A server URL was added.", "Existing base URLs keep working.";
    DeprecationChanged = "deprecation-changed", I, Deprecated, "Something was deprecated, or is no longer deprecated.", "Nothing breaks yet; deprecation announces a later removal and the SDK marks it `#[deprecated]`.";
    DocsChanged = "docs-changed", I, Docs, "A summary, description, title, label or example changed.", "Documentation only: nothing a program can observe.";
    // Parameters.
    RequestParameterRemoved = "request-parameter-removed", B, Brk, "A request parameter was removed.", "Clients that send it are rejected or silently ignored, and the SDK argument disappears.";
    IdempotencyKeyRemoved = "idempotency-key-removed", B, Brk, "The Idempotency-Key header is no longer accepted.", "Clients rely on it to retry POSTs safely; without it a retry creates a duplicate task (the contract says never retry without one).";
    RequestRequiredParameterAdded = "request-required-parameter-added", B, Brk, "A required request parameter was added.", "Existing calls do not send it and are rejected.";
    RequestOptionalParameterAdded = "request-optional-parameter-added", I, Added, "An optional request parameter was added.", "Existing calls stay valid.";
    RequestParameterBecameRequired = "request-parameter-became-required", B, Brk, "An optional request parameter became required.", "Calls that omit it are rejected.";
    RequestParameterBecameOptional = "request-parameter-became-optional", I, Changed, "A required request parameter became optional.", "Every call that was valid stays valid.";
    RequestParameterSerializationChanged = "request-parameter-serialization-changed", B, Brk, "A parameter's style or explode changed.", "Clients keep serializing the value the old way, which the server no longer parses.";
    PathParameterRenamed = "path-parameter-renamed", I, Changed, "A path parameter was renamed.", "The URL on the wire is unchanged; only the template's name differs.";
    // Request bodies.
    RequestBodyAdded = "request-body-added", I, Added, "An optional request body was added.", "Existing calls without a body stay valid.";
    RequestBodyRemoved = "request-body-removed", B, Brk, "The request body was removed.", "Clients that send one are rejected or ignored, and the SDK argument disappears.";
    RequestBodyBecameRequired = "request-body-became-required", B, Brk, "The request body became required (or a required body was added).", "Calls without a body are rejected.";
    RequestBodyBecameOptional = "request-body-became-optional", I, Changed, "The request body became optional.", "Every call that was valid stays valid.";
    RequestMediaTypeRemoved = "request-media-type-removed", B, Brk, "A request content type is no longer accepted.", "Clients sending it get 415.";
    RequestMediaTypeAdded = "request-media-type-added", I, Added, "A request content type was added.", "Existing content types keep working.";
    // Responses.
    ResponseSuccessStatusRemoved = "response-success-status-removed", B, Brk, "A success status code was removed.", "Clients that handle that status get a different one.";
    ResponseSuccessStatusAdded = "response-success-status-added", W, Changed, "A success status code was added.", "Clients may receive a success they do not handle, such as 202 instead of 200.";
    ResponseErrorStatusRemoved = "response-error-status-removed", I, Removed, "An error status code was removed.", "Clients simply never receive it; error handling stays valid.";
    ResponseErrorStatusAdded = "response-error-status-added", I, Added, "An error status code was added.", "Errors share the PublicApiError shape that clients already handle.";
    ResponseMediaTypeRemoved = "response-media-type-removed", B, Brk, "A response content type was removed.", "Clients that ask for or parse it get something else.";
    ResponseMediaTypeAdded = "response-media-type-added", I, Added, "A response content type was added.", "Clients keep receiving the type they ask for.";
    ResponseRequiredHeaderRemoved = "response-required-header-removed", B, Brk, "A response header that was always sent was removed.", "Clients that read it find nothing.";
    ResponseOptionalHeaderRemoved = "response-optional-header-removed", W, Removed, "An optional response header was removed.", "Clients must already cope with its absence, but code that reads it deserves a look.";
    ResponseHeaderAdded = "response-header-added", I, Added, "A response header was added.", "Clients ignore headers they do not know.";
    ResponseHeaderBecameOptional = "response-header-became-optional", B, Brk, "A response header that was always sent may now be missing.", "Clients that read it without checking break.";
    // Security.
    SecurityAuthRequired = "security-auth-required", B, Brk, "An operation that could be called anonymously now requires credentials.", "Anonymous callers get 401.";
    SecurityScopeAdded = "security-scope-added", B, Brk, "An operation now requires a scope (or scheme) that some accepted credential lacked.", "Keys without the new scope get 403.";
    SecurityRelaxed = "security-relaxed", I, Changed, "An operation accepts more credentials than before.", "Every credential that worked still works.";
    SecuritySchemeChanged = "security-scheme-changed", B, Brk, "A security scheme changed its type or location.", "Clients keep sending credentials the old way.";
    SecuritySchemeAdded = "security-scheme-added", I, Added, "A security scheme was added.", "No operation requires it unless its security says so, which the other security rules rate.";
    // Webhooks and server-sent events.
    WebhookRemoved = "webhook-removed", B, Brk, "A webhook event was removed.", "Receivers waiting for it never get it again.";
    WebhookAdded = "webhook-added", I, Added, "A webhook event was added.", "Endpoints receive only the event types they subscribe to.";
    SseEventTypeRemoved = "sse-event-type-removed", B, Brk, "An event type of a text/event-stream response was removed.", "Clients waiting for it (for example `done`) wait forever or mis-handle the stream.";
    SseEventTypeAdded = "sse-event-type-added", W, Added, "An event type of a text/event-stream response was added.", "Stream readers should skip unknown events (the SDK maps them to Unknown), but a strict reader fails.";
    // Object properties.
    RequestPropertyRemoved = "request-property-removed", B, Brk, "A request property was removed.", "Clients that send it are rejected or silently ignored, and the SDK field disappears.";
    RequestRequiredPropertyAdded = "request-required-property-added", B, Brk, "A required request property was added.", "Existing requests do not carry it and are rejected.";
    RequestOptionalPropertyAdded = "request-optional-property-added", I, Added, "An optional request property was added.", "Existing requests stay valid.";
    RequestPropertyBecameRequired = "request-property-became-required", B, Brk, "An optional request property became required.", "Requests that omit it are rejected.";
    RequestPropertyBecameOptional = "request-property-became-optional", I, Changed, "A required request property became optional.", "Every valid request stays valid.";
    ResponseRequiredPropertyRemoved = "response-required-property-removed", B, Brk, "A required response property was removed.", "Clients read it unconditionally; the SDK field disappears and deserialization of old expectations fails.";
    ResponseOptionalPropertyRemoved = "response-optional-property-removed", W, Removed, "An optional response property was removed.", "Clients must already cope with its absence, so they keep working; code reading the SDK field needs updating.";
    ResponsePropertyAdded = "response-property-added", I, Added, "A response property was added.", "The contract lets responses gain fields; clients ignore unknown ones.";
    ResponsePropertyBecameOptional = "response-property-became-optional", B, Brk, "A required response property may now be missing.", "Clients read it unconditionally.";
    ResponsePropertyBecameRequired = "response-property-became-required", I, Changed, "An optional response property is now always present.", "Clients that check for it keep working.";
    // Types and formats.
    RequestTypeChanged = "request-type-changed", B, Brk, "The type of a request value changed or narrowed.", "Values clients send today may no longer be accepted.";
    RequestTypeWidened = "request-type-widened", I, Changed, "The type of a request value widened (integer to number, enum to string, anything to any).", "Every value clients send today is still accepted.";
    ResponseTypeChanged = "response-type-changed", B, Brk, "The type of a response value changed or widened.", "Clients parse the old type and fail on the new one.";
    ResponseTypeNarrowed = "response-type-narrowed", I, Changed, "The type of a response value narrowed (number to integer, any to a type).", "Everything clients receive still parses as the old type.";
    TypeRenamed = "type-renamed", B, Brk, "A value keeps its shape but refers to a type with another name.", "The wire is unchanged, but the generated SDK names types after the schema; code naming the old type stops compiling.";
    SdkTypeChanged = "sdk-type-changed", B, Brk, "The SDK type of a value changes although the wire accepts what it did: a request enum became a string, a value became a union holding its old type, an alternative was folded into another.", "Requests and responses keep working, but the generated SDK's type or variant changes; code naming it stops compiling.";
    RequestFormatChanged = "request-format-changed", B, Brk, "The format of a request string or number changed.", "The server validates formats; the SDK picks the Rust type from the format.";
    ResponseFormatChanged = "response-format-changed", B, Brk, "The format of a response string or number changed.", "Clients parse by format (a date-time, a uuid); the SDK picks the Rust type from it.";
    // Enums and unions.
    RequestEnumValueRemoved = "request-enum-value-removed", B, Brk, "A value is no longer accepted in a request enum.", "Clients sending it are rejected, and the SDK variant disappears.";
    RequestEnumValueAdded = "request-enum-value-added", I, Added, "A request enum accepts a new value.", "Every value clients send today is still accepted.";
    ResponseEnumValueAdded = "response-enum-value-added", B, Brk, "A response enum may carry a new value.", "The versioning policy does not list it as compatible: a client waiting for the values it knows (a poller stopping on `succeeded` or `failed`) never stops. The SDK parses the value as Unknown, but the program's logic is still wrong. New error codes are the exception (`error-code-added`).";
    ResponseEnumValueRemoved = "response-enum-value-removed", W, Removed, "A response enum no longer carries a value.", "Clients simply never receive it, but the SDK variant disappears, so code naming it needs updating.";
    ErrorCodeAdded = "error-code-added", I, Added, "A public error code (PublicApiErrorCode) was added.", "The versioning policy lists new public error codes as compatible; clients must tolerate unknown codes.";
    RequestUnionVariantRemoved = "request-union-variant-removed", B, Brk, "A request oneOf/anyOf lost an alternative.", "Clients sending that alternative are rejected.";
    RequestUnionVariantAdded = "request-union-variant-added", I, Added, "A request oneOf/anyOf gained an alternative.", "Existing requests stay valid.";
    ResponseUnionVariantAdded = "response-union-variant-added", W, Added, "A response oneOf/anyOf gained an alternative.", "Clients may receive a shape they cannot parse; the SDK's Unknown catch-all softens it.";
    ResponseUnionVariantRemoved = "response-union-variant-removed", W, Removed, "A response oneOf/anyOf lost an alternative.", "Clients never receive it again, but the SDK variant disappears.";
    // Nullability.
    RequestNullableRemoved = "request-nullable-removed", B, Brk, "A request value no longer accepts null.", "Clients sending null are rejected.";
    RequestNullableAdded = "request-nullable-added", I, Changed, "A request value now accepts null.", "Every value clients send today is still accepted.";
    ResponseNullableAdded = "response-nullable-added", B, Brk, "A response value may now be null.", "Clients read a value and get null.";
    ResponseNullableRemoved = "response-nullable-removed", I, Changed, "A response value is never null any more.", "Clients that handle null keep working.";
    // Numeric ranges (minimum, maximum, exclusivity, multipleOf).
    RequestRangeNarrowed = "request-range-narrowed", B, Brk, "A request number's allowed range narrowed.", "Values clients send today may be rejected.";
    RequestRangeWidened = "request-range-widened", I, Changed, "A request number's allowed range widened.", "Every value clients send today is still accepted.";
    ResponseRangeWidened = "response-range-widened", W, Changed, "A response number's range widened.", "Clients may receive values they did not expect; the SDK does not validate response ranges, but storage sized for the old range may overflow.";
    ResponseRangeNarrowed = "response-range-narrowed", I, Changed, "A response number's range narrowed.", "Everything clients receive was already allowed.";
    // Lengths, patterns, item and property counts.
    RequestLengthNarrowed = "request-length-narrowed", B, Brk, "A request string, array or map has tighter length, pattern, count or uniqueness rules.", "Values clients send today may be rejected.";
    RequestLengthWidened = "request-length-widened", I, Changed, "A request string, array or map has looser length, pattern, count or uniqueness rules.", "Every value clients send today is still accepted.";
    ResponseLengthWidened = "response-length-widened", W, Changed, "A response string, array or map may be longer, shorter or less constrained.", "Clients may receive values they did not expect; the SDK does not validate them, but bounded buffers may not fit.";
    ResponseLengthNarrowed = "response-length-narrowed", I, Changed, "A response string, array or map is more constrained.", "Everything clients receive was already allowed.";
    // Defaults.
    RequestDefaultChanged = "request-default-changed", W, Changed, "The default of a request value changed, appeared or disappeared.", "Requests that omit the value now behave differently.";
    ResponseDefaultChanged = "response-default-changed", I, Docs, "The documented default of a response value changed.", "Responses carry actual values; a default there is documentation.";
    // The model catalog (`x-rivya-models` / `GET /api/v1/models`).
    ModelRemoved = "model-removed", B, Brk, "A model was removed from the catalog.", "Requests naming it fail with model_not_found.";
    ModelAdded = "model-added", I, Added, "A model was added to the catalog.", "The versioning policy lists new models as compatible.";
    ModelParamRemoved = "model-param-removed", B, Brk, "A model parameter was removed.", "Requests that send it fail validation (invalid_params), and the SDK builder loses the setter.";
    ModelParamRenamed = "model-param-renamed", B, Brk, "A model parameter was renamed (removed and added with the same type and constraints).", "Requests using the old name fail validation.";
    ModelParamAdded = "model-param-added", I, Added, "An optional model parameter was added.", "The versioning policy lists new optional model parameters as compatible.";
    ModelRequiredParamAdded = "model-required-param-added", B, Brk, "A required model parameter was added.", "Existing requests do not send it and fail validation.";
    ModelParamBecameRequired = "model-param-became-required", B, Brk, "An optional model parameter became required.", "Requests that omit it fail validation.";
    ModelParamBecameOptional = "model-param-became-optional", I, Changed, "A required model parameter became optional.", "Every valid request stays valid.";
    ModelParamTypeChanged = "model-param-type-changed", B, Brk, "A model parameter's type changed.", "Values sent today fail validation, and the SDK setter's type changes.";
    ModelParamMoved = "model-param-moved", B, Brk, "A model parameter moved between `params`, `controls` and the body.", "Clients keep sending it where it was.";
    ModelParamOptionRemoved = "model-param-option-removed", B, Brk, "An allowed value of an enum model parameter was removed.", "Requests using it fail validation, and the SDK variant disappears.";
    ModelParamOptionAdded = "model-param-option-added", I, Added, "An allowed value was added to an enum model parameter.", "Every request that was valid stays valid.";
    ModelMemberAdded = "model-member-added", I, Added, "A catalog model or parameter carries a member this generator does not know (`tags`, `max_concurrency`, ...).", "Nothing reads it yet; it is kept in the IR and ignored by the generated code.";
    ModelParamLimitNarrowed = "model-param-limit-narrowed", B, Brk, "A model parameter's minimum, maximum, step, length or item count narrowed.", "Values sent today may fail validation.";
    ModelParamLimitWidened = "model-param-limit-widened", I, Changed, "A model parameter's minimum, maximum, step, length or item count widened.", "Every value sent today is still valid.";
    ModelParamMediaNarrowed = "model-param-media-narrowed", B, Brk, "A media parameter accepts fewer kinds, MIME types, sizes or durations, or now requires a duration token.", "Uploads that work today are refused; a new duration-token requirement needs an extra Files API step.";
    ModelParamMediaWidened = "model-param-media-widened", I, Changed, "A media parameter accepts more kinds, MIME types, sizes or durations, or no longer needs a duration token.", "Every upload that works today still works.";
    ModelParamDefaultChanged = "model-param-default-changed", W, Changed, "A model parameter's default changed, appeared or disappeared.", "Requests that omit the parameter now produce different output or cost.";
    ModelDeprecated = "model-deprecated", W, Deprecated, "A model became deprecated or got a sunset date.", "It still works, but callers must plan a migration before the sunset.";
    ModelStatusChanged = "model-status-changed", I, Changed, "A model's status changed (for example from beta to available).", "Nothing a client sends stops working.";
    ModelApiUnavailable = "model-api-unavailable", B, Brk, "A model is no longer available through the API.", "Requests naming it fail (model_unavailable).";
    ModelApiAvailable = "model-api-available", I, Added, "A model became available through the API.", "Like adding a model.";
    ModelEndpointChanged = "model-endpoint-changed", B, Brk, "A model's kind or endpoint changed.", "Clients send its requests to the old route.";
    ModelCapabilityNarrowed = "model-capability-narrowed", B, Brk, "A model lost an input mode or streaming, now requires files, or has stricter prompt rules.", "Requests that work today fail.";
    ModelCapabilityWidened = "model-capability-widened", I, Changed, "A model gained an input mode or streaming, no longer requires files, or has looser prompt rules.", "Every request that works today still works.";
    ModelCreditsChanged = "model-credits-changed", I, Changed, "A model's credit unit or amount changed.", "Requests keep working but cost differently; worth telling users.";
}

impl Rule {
    /// Its breaking findings break only the generated SDK: the wire accepts and sends what it
    /// did, but a name or Rust type the SDK derives from the contract changes. A format is an
    /// annotation of a string or number, not a new type on the wire.
    pub fn sdk_only(&self) -> bool {
        matches!(
            self.id,
            RuleId::TypeRenamed
                | RuleId::SdkTypeChanged
                | RuleId::OperationIdChanged
                | RuleId::OperationTagChanged
                | RuleId::PathParameterRenamed
                | RuleId::RequestFormatChanged
                | RuleId::ResponseFormatChanged
        )
    }
}

impl RuleId {
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    /// The id spelled this way, for ids read from files and command lines; `None` when no
    /// rule has it.
    pub fn parse(id: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.as_str() == id)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The README's rule table.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| Rule | Level | SDK bump | What changed | Why it has this level |\n|---|---|---|---|---|\n",
    );
    for rule in RULES {
        let level = match Breaks::of(rule.id, rule.level) {
            Some(Breaks::Sdk) => "breaking (SDK only)",
            _ => rule.level.as_str(),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            rule.id.as_str(),
            level,
            rule.section.bump().as_str(),
            rule.summary.replace('|', "\\|"),
            rule.rationale.replace('|', "\\|"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_levels_match_sections() {
        let mut seen = foldhash::HashSet::default();
        for (index, rule) in RULES.iter().enumerate() {
            assert_eq!(
                rule.id as usize, index,
                "{} is out of registry order",
                rule.id
            );
            assert!(
                seen.insert(rule.id.as_str()),
                "duplicate rule id {}",
                rule.id
            );
            assert_eq!(
                heck::ToKebabCase::to_kebab_case(format!("{:?}", rule.id).as_str()),
                rule.id.as_str(),
                "the variant and the id of a rule spell the same words"
            );
            assert_eq!(RuleId::parse(rule.id.as_str()), Some(rule.id));
            assert!(
                rule.id
                    .as_str()
                    .split('-')
                    .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase())),
                "{} is not kebab-case",
                rule.id
            );
            assert_eq!(
                rule.level == Level::Breaking,
                rule.section == Section::Breaking,
                "{}: breaking rules, and only they, go in the Breaking section",
                rule.id
            );
        }
    }
}
