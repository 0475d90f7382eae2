//! The discovery endpoints (RFC 7644 §4): what this service provider supports, the schemas of the
//! attributes it keeps and its resource types. Static: they describe the code, not the data.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use los_store::scim::MAX_PAGE;
use serde_json::{Value, json};

use super::protocol::{GROUP_SCHEMA, LIST_SCHEMA, USER_SCHEMA};
use super::{BASE, Scim, ScimError, scim};

const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

pub(super) async fn service_provider_config(Scim(_): Scim) -> Response {
    scim(
        StatusCode::OK,
        &json!({
            "schemas": [SPC_SCHEMA],
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": MAX_PAGE},
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": false},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token made with 'los scim token create', sent as 'Authorization: Bearer <token>'",
                "primary": true
            }],
            "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{BASE}/ServiceProviderConfig")}
        }),
    )
}

fn attr(name: &str, kind: &str, required: bool, uniqueness: &str, mutability: &str) -> Value {
    json!({
        "name": name, "type": kind, "multiValued": false, "required": required, "caseExact": false,
        "mutability": mutability, "returned": "default", "uniqueness": uniqueness
    })
}

fn sub(name: &str, kind: &str) -> Value {
    attr(name, kind, false, "none", "readWrite")
}

fn user_schema() -> Value {
    let mut name = sub("name", "complex");
    name["subAttributes"] =
        json!([sub("formatted", "string"), sub("familyName", "string"), sub("givenName", "string")]);
    let mut emails = sub("emails", "complex");
    emails["multiValued"] = json!(true);
    emails["subAttributes"] = json!([sub("value", "string"), sub("type", "string"), sub("primary", "boolean")]);
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "An employee of the municipality, provisioned from its directory. Los keeps only these attributes; others are accepted and ignored. Only the work e-mail address is kept.",
        "attributes": [
            attr("userName", "string", true, "server", "readWrite"),
            sub("externalId", "string"),
            sub("displayName", "string"),
            name,
            emails,
            sub("active", "boolean"),
        ],
        "meta": {"resourceType": "Schema", "location": format!("{BASE}/Schemas/{USER_SCHEMA}")}
    })
}

fn group_schema() -> Value {
    let mut members = sub("members", "complex");
    members["multiValued"] = json!(true);
    members["subAttributes"] = json!([
        attr("value", "string", false, "none", "immutable"),
        attr("display", "string", false, "none", "readOnly"),
        attr("$ref", "reference", false, "none", "immutable"),
    ]);
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": GROUP_SCHEMA,
        "name": "Group",
        "description": "A group of the municipality's directory; the municipality maps groups to roles in services (los scim map-group).",
        "attributes": [attr("displayName", "string", true, "none", "readWrite"), sub("externalId", "string"), members],
        "meta": {"resourceType": "Schema", "location": format!("{BASE}/Schemas/{GROUP_SCHEMA}")}
    })
}

fn resource_types_list() -> Vec<Value> {
    [("User", "/Users", USER_SCHEMA), ("Group", "/Groups", GROUP_SCHEMA)]
        .into_iter()
        .map(|(name, endpoint, schema)| {
            json!({
                "schemas": [RESOURCE_TYPE_SCHEMA],
                "id": name, "name": name, "endpoint": endpoint, "schema": schema,
                "meta": {"resourceType": "ResourceType", "location": format!("{BASE}/ResourceTypes/{name}")}
            })
        })
        .collect()
}

fn list(items: Vec<Value>) -> Value {
    json!({"schemas": [LIST_SCHEMA], "totalResults": items.len(), "startIndex": 1, "itemsPerPage": items.len(), "Resources": items})
}

pub(super) async fn schemas(Scim(_): Scim) -> Response {
    scim(StatusCode::OK, &list(vec![user_schema(), group_schema()]))
}

pub(super) async fn schema(Scim(_): Scim, Path(id): Path<String>) -> Result<Response, ScimError> {
    [user_schema(), group_schema()]
        .into_iter()
        .find(|s| s["id"] == id.as_str())
        .map(|s| scim(StatusCode::OK, &s))
        .ok_or_else(|| ScimError::new(StatusCode::NOT_FOUND, None, format!("schema {id} was not found")))
}

pub(super) async fn resource_types(Scim(_): Scim) -> Response {
    scim(StatusCode::OK, &list(resource_types_list()))
}

pub(super) async fn resource_type(Scim(_): Scim, Path(id): Path<String>) -> Result<Response, ScimError> {
    resource_types_list()
        .into_iter()
        .find(|s| s["id"] == id.as_str())
        .map(|s| scim(StatusCode::OK, &s))
        .ok_or_else(|| ScimError::new(StatusCode::NOT_FOUND, None, format!("resource type {id} was not found")))
}
