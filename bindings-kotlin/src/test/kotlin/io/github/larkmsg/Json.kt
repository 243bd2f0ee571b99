package io.github.larkmsg

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.intOrNull
import kotlinx.serialization.json.jsonPrimitive
import java.nio.file.Files
import java.nio.file.Path

/** Where the shared cases are (the `larkmsg.cases` system property: the repository's `tests/`). */
val casesRoot: Path = Path.of(System.getProperty("larkmsg.cases") ?: "../tests")

/** Parses JSON text. */
fun parse(text: String): JsonElement = Json.parseToJsonElement(text)

/** Reads a JSON file. */
fun read(path: Path): JsonElement = parse(Files.readString(path))

/** Expands `{"$repeat": s, "count": n, "prefix"?, "suffix"?}` (tests/conformance/README.md). */
fun expand(value: JsonElement): JsonElement =
    when (value) {
        is JsonObject -> {
            val repeat = (value["\$repeat"] as? JsonPrimitive)?.takeIf { it.isString }?.content
            val count = (value["count"] as? JsonPrimitive)?.intOrNull
            if (repeat != null && count != null) {
                val prefix = value["prefix"]?.jsonPrimitive?.content ?: ""
                val suffix = value["suffix"]?.jsonPrimitive?.content ?: ""
                JsonPrimitive(prefix + repeat.repeat(count) + suffix)
            } else {
                JsonObject(value.mapValues { expand(it.value) })
            }
        }
        is JsonArray -> JsonArray(value.map(::expand))
        else -> value
    }

/** Whether `actual` holds `expected`: objects by their expected keys, arrays item by item, `{"$prefix": p}`. */
fun subset(expected: JsonElement, actual: JsonElement?): Boolean =
    when {
        expected is JsonObject && expected.keys == setOf("\$prefix") -> {
            val text = (actual as? JsonPrimitive)?.takeIf { it.isString }?.content
            text != null && text.startsWith(expected.getValue("\$prefix").jsonPrimitive.content)
        }
        expected is JsonObject -> actual is JsonObject && expected.all { (key, value) -> key in actual && subset(value, actual[key]) }
        expected is JsonArray ->
            actual is JsonArray && expected.size == actual.size && expected.indices.all { subset(expected[it], actual[it]) }
        expected is JsonNull -> actual == null || actual is JsonNull
        expected is JsonPrimitive && actual is JsonPrimitive -> primitive(expected) == primitive(actual)
        else -> false
    }

private fun primitive(value: JsonPrimitive): Any? =
    when {
        value.isString -> "s:" + value.content
        value.booleanOrNull != null -> value.booleanOrNull
        else -> value.contentOrNull?.toBigDecimalOrNull()?.stripTrailingZeros()
    }
