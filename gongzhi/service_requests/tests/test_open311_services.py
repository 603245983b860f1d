"""Open311 GeoReport v2 discovery, services and service definitions (issue 4: Open311).

R3.6b (一号申请): outside systems file through the same catalogue residents see; only the
public-space categories (grid events, complaints) are offered.
"""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import Personas
from gongzhi.cases.models import Category
from gongzhi.service_requests.tests.conftest import (
    ATTRIBUTE_FIELDS,
    BASE,
    SERVICE_FIELDS,
    children,
    errors_json,
    errors_xml,
    validate,
    xml_of,
)

pytestmark = pytest.mark.django_db


class TestDiscovery:
    def test_it_describes_the_endpoint_in_json(self, world: Personas) -> None:
        response = Client().get(f"{BASE}/discovery.json")
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
        endpoint = body["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://testserver/open311/v2"
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}

    def test_it_describes_the_endpoint_in_xml(self, world: Personas) -> None:
        root = xml_of(Client().get(f"{BASE}/discovery.xml"))
        assert root.tag == "discovery"
        assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
        endpoint = root.find("endpoints/endpoint")
        assert endpoint is not None
        assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
        formats = [f.text for f in endpoint.findall("formats/format")]
        assert formats == ["text/xml", "application/json"]


class TestServices:
    def test_the_list_conforms_to_the_official_schema(self, world: Personas) -> None:
        response = Client().get(f"{BASE}/services.json")
        assert response.status_code == 200
        body = response.json()
        validate(body, "services.json")
        for row in body:
            assert list(row) == SERVICE_FIELDS
        by_code = {row["service_code"]: row for row in body}
        garbage = by_code["exposed-garbage"]
        assert garbage["service_name"] == "暴露垃圾"
        assert garbage["group"] == "市容环境"
        assert garbage["keywords"] == "垃圾, 堆放"
        assert garbage["type"] == "realtime"
        assert garbage["metadata"] is False
        assert by_code["street-vending"]["metadata"] is True

    def test_personal_applications_are_not_offered(self, world: Personas) -> None:
        codes = {row["service_code"] for row in Client().get(f"{BASE}/services.json").json()}
        assert "minimum-living-allowance" not in codes
        assert "residence-certificate" not in codes
        assert "noise-nuisance" in codes  # a complaint

    def test_inactive_categories_are_not_offered(self, world: Personas) -> None:
        Category.objects.filter(code="dirty-road").update(is_active=False)
        codes = {row["service_code"] for row in Client().get(f"{BASE}/services.json").json()}
        assert "dirty-road" not in codes

    def test_the_xml_list_has_the_elements_in_order(self, world: Personas) -> None:
        root = xml_of(Client().get(f"{BASE}/services.xml"))
        assert root.tag == "services"
        services = root.findall("service")
        assert len(services) == len(root)
        assert len(services) == Client().get(f"{BASE}/services.json").json().__len__()
        for service in services:
            assert children(service) == SERVICE_FIELDS
        vending = next(s for s in services if s.findtext("service_code") == "street-vending")
        assert vending.findtext("metadata") == "true"
        assert vending.findtext("service_name") == "占道经营"


class TestServiceDefinition:
    def test_the_definition_conforms_to_the_official_schema(self, world: Personas) -> None:
        response = Client().get(f"{BASE}/services/street-vending.json")
        assert response.status_code == 200
        body = response.json()
        validate(body, "service-definition.json")
        assert body["service_code"] == "street-vending"
        (attribute,) = body["attributes"]
        assert list(attribute) == ATTRIBUTE_FIELDS
        assert attribute["code"] == "vendor"
        assert attribute["datatype"] == "singlevaluelist"
        assert attribute["required"] is True
        assert attribute["order"] == 1
        assert attribute["values"][0] == {"key": "fixed", "name": "固定摊点"}

    def test_the_xml_definition_nests_attributes_and_values(self, world: Personas) -> None:
        root = xml_of(Client().get(f"{BASE}/services/animal-epidemic.xml"))
        assert root.tag == "service_definition"
        assert children(root) == ["service_code", "attributes"]
        attributes = root.findall("attributes/attribute")
        assert [a.findtext("code") for a in attributes] == ["animal", "count"]
        for attribute in attributes:
            assert children(attribute) == ATTRIBUTE_FIELDS
        values = attributes[0].findall("values/value")
        assert (values[0].findtext("key"), values[0].findtext("name")) == ("cattle", "牛")
        assert children(values[0]) == ["key", "name"]
        assert attributes[1].findtext("datatype") == "number"
        assert attributes[1].findtext("required") == "false"

    def test_a_service_without_attributes_has_an_empty_list(self, world: Personas) -> None:
        body = Client().get(f"{BASE}/services/exposed-garbage.json").json()
        validate(body, "service-definition.json")
        assert body == {"service_code": "exposed-garbage", "attributes": []}

    @pytest.mark.parametrize("code", ["no-such-service", "minimum-living-allowance"])
    def test_an_unknown_or_personal_service_is_404(self, world: Personas, code: str) -> None:
        (message,) = errors_json(Client().get(f"{BASE}/services/{code}.json"), 404)
        assert "service_code" in message and code in message
        (message,) = errors_xml(Client().get(f"{BASE}/services/{code}.xml"), 404)
        assert "未找到该服务" in message


class TestFormats:
    def test_an_unknown_format_is_404_in_json(self, world: Personas) -> None:
        (message,) = errors_json(Client().get(f"{BASE}/services.csv"), 404)
        assert ".json" in message and ".xml" in message

    def test_a_refused_method_is_405_in_the_format(self, world: Personas) -> None:
        assert errors_xml(Client().post(f"{BASE}/services.xml"), 405)

    def test_an_unknown_jurisdiction_is_404(self, world: Personas) -> None:
        (message,) = errors_json(Client().get(f"{BASE}/services.json?jurisdiction_id=9999"), 404)
        assert "jurisdiction_id" in message
        assert Client().get(f"{BASE}/services.json?jurisdiction_id=1522").status_code == 200
