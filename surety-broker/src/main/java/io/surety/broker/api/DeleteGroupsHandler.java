package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.resource.ResourceType;

/** DeleteGroups: removes empty groups and their offsets; groups with members get NON_EMPTY_GROUP. */
final class DeleteGroupsHandler implements ApiHandler {

    private final GroupCoordinator groups;

    DeleteGroupsHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DeleteGroupsRequest body = (DeleteGroupsRequest) request.body();
        Access access = request.access();
        List<String> allowed = body.data().groupsNames().stream().filter(id -> !access.denied(ResourceType.GROUP, id))
                .toList();
        return groups.deleteGroups(allowed).thenApply(results -> {
            DeletableGroupResultCollection collection = new DeletableGroupResultCollection();
            results.forEach(collection::add);
            body.data().groupsNames().stream().filter(id -> access.denied(ResourceType.GROUP, id)).distinct()
                    .forEach(id -> collection.add(new DeletableGroupResult().setGroupId(id)
                            .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())));
            return new ApiResponse.Send(new DeleteGroupsResponseData().setResults(collection));
        });
    }
}
