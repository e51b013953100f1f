// Generated from proto/profile.proto by `node scripts/generate-descriptor.mjs`; do not edit.
export const profileDescriptor = {
  nested: {
    perftools: {
      nested: {
        profiles: {
          options: {
            java_package: 'com.google.perftools.profiles',
            java_outer_classname: 'ProfileProto',
          },
          nested: {
            Profile: {
              fields: {
                sampleType: {
                  rule: 'repeated',
                  type: 'ValueType',
                  id: 1,
                  protoName: 'sample_type',
                },
                sample: { rule: 'repeated', type: 'Sample', id: 2 },
                mapping: { rule: 'repeated', type: 'Mapping', id: 3 },
                location: { rule: 'repeated', type: 'Location', id: 4 },
                function: { rule: 'repeated', type: 'Function', id: 5 },
                stringTable: { rule: 'repeated', type: 'string', id: 6, protoName: 'string_table' },
                dropFrames: { type: 'int64', id: 7, protoName: 'drop_frames' },
                keepFrames: { type: 'int64', id: 8, protoName: 'keep_frames' },
                timeNanos: { type: 'int64', id: 9, protoName: 'time_nanos' },
                durationNanos: { type: 'int64', id: 10, protoName: 'duration_nanos' },
                periodType: { type: 'ValueType', id: 11, protoName: 'period_type' },
                period: { type: 'int64', id: 12 },
                comment: { rule: 'repeated', type: 'int64', id: 13 },
                defaultSampleType: { type: 'int64', id: 14, protoName: 'default_sample_type' },
                docUrl: { type: 'int64', id: 15, protoName: 'doc_url' },
              },
            },
            ValueType: {
              fields: { type: { type: 'int64', id: 1 }, unit: { type: 'int64', id: 2 } },
            },
            Sample: {
              fields: {
                locationId: { rule: 'repeated', type: 'uint64', id: 1, protoName: 'location_id' },
                value: { rule: 'repeated', type: 'int64', id: 2 },
                label: { rule: 'repeated', type: 'Label', id: 3 },
              },
            },
            Label: {
              fields: {
                key: { type: 'int64', id: 1 },
                str: { type: 'int64', id: 2 },
                num: { type: 'int64', id: 3 },
                numUnit: { type: 'int64', id: 4, protoName: 'num_unit' },
              },
            },
            Mapping: {
              fields: {
                id: { type: 'uint64', id: 1 },
                memoryStart: { type: 'uint64', id: 2, protoName: 'memory_start' },
                memoryLimit: { type: 'uint64', id: 3, protoName: 'memory_limit' },
                fileOffset: { type: 'uint64', id: 4, protoName: 'file_offset' },
                filename: { type: 'int64', id: 5 },
                buildId: { type: 'int64', id: 6, protoName: 'build_id' },
                hasFunctions: { type: 'bool', id: 7, protoName: 'has_functions' },
                hasFilenames: { type: 'bool', id: 8, protoName: 'has_filenames' },
                hasLineNumbers: { type: 'bool', id: 9, protoName: 'has_line_numbers' },
                hasInlineFrames: { type: 'bool', id: 10, protoName: 'has_inline_frames' },
              },
            },
            Location: {
              fields: {
                id: { type: 'uint64', id: 1 },
                mappingId: { type: 'uint64', id: 2, protoName: 'mapping_id' },
                address: { type: 'uint64', id: 3 },
                line: { rule: 'repeated', type: 'Line', id: 4 },
                isFolded: { type: 'bool', id: 5, protoName: 'is_folded' },
              },
            },
            Line: {
              fields: {
                functionId: { type: 'uint64', id: 1, protoName: 'function_id' },
                line: { type: 'int64', id: 2 },
                column: { type: 'int64', id: 3 },
              },
            },
            Function: {
              fields: {
                id: { type: 'uint64', id: 1 },
                name: { type: 'int64', id: 2 },
                systemName: { type: 'int64', id: 3, protoName: 'system_name' },
                filename: { type: 'int64', id: 4 },
                startLine: { type: 'int64', id: 5, protoName: 'start_line' },
              },
            },
          },
        },
      },
    },
  },
}
